// SPDX-License-Identifier: MIT
//
// Incident page (#/incidents/N): header with state, severity, TLP and the phase
// timestamps; only the workflow actions the incident's next_states allow; linked reports;
// observables with the other incidents sharing each (GET /api/v1/observables?value=);
// investigations with their messages (add one, open one); countermeasures; tasks; the
// audit history (GET /api/v1/incidents/N/audit).

import { h, replace } from '../dom.js';
import { get, post, patch } from '../api.js';
import { t, label, dateTime } from '../i18n.js';
import { card, stateBadge, sevBadge, tlpBadge, classLabel, idLink, table, loading, errorBox, empty, toast, kv } from '../ui.js';
import { taxonomy } from './queue.js';

/* next state -> [action path segment, i18n key, button class] */
const ACTIONS = {
    triage: ['triage', 'act.triage', ''],
    analysis: ['analyse', 'act.analyse', 'btn-accent'],
    mitigation: ['mitigate', 'act.mitigate', 'btn-accent'],
    resolved: ['resolve', 'act.resolve', 'btn-success'],
    abandoned: ['abandon', 'act.abandon', 'btn-ghost'],
};
const PHASES = [
    ['created_at', 'phase.created'],
    ['first_response_at', 'phase.firstResponse'],
    ['triage_at', 'phase.triage'],
    ['analysis_at', 'phase.analysis'],
    ['mitigation_at', 'phase.mitigation'],
    ['resolved_at', 'phase.resolved'],
    ['abandoned_at', 'phase.abandoned'],
];

function field(labelText, input, id) {
    return h('div', { class: 'field' }, h('label', { for: id }, labelText), input);
}

export async function render(ctx) {
    const { main } = ctx;
    const id = Number(ctx.params[0]);
    replace(main, loading());
    let inc;
    try {
        inc = await get('/api/v1/incidents/' + id);
    } catch (e) {
        if (ctx.alive()) replace(main, errorBox(e));
        return;
    }
    if (!ctx.alive()) return;
    ctx.setTitle('#' + inc.id + ' ' + inc.title);
    draw(ctx, inc);
}

function draw(ctx, inc) {
    const { main } = ctx;
    const reload = async (msg) => {
        const fresh = await get('/api/v1/incidents/' + inc.id);
        if (!ctx.alive()) return;
        if (msg) toast(msg, 'ok');
        draw(ctx, fresh);
    };

    /* ---- header ---- */
    const actions = h('div', { class: 'actions', id: 'inc-actions' });
    const reopening = inc.state === 'resolved' || inc.state === 'abandoned';
    const resolution = h('textarea', { id: 'resolution', rows: 2, placeholder: t('inc.resolutionPh'), class: 'resolution-input' });
    const resolveBox = h('div', { class: 'resolve-box', id: 'resolve-box', hidden: true }, h('label', { for: 'resolution' }, t('inc.resolution')), resolution);
    for (const next of inc.next_states || []) {
        const a = ACTIONS[next];
        if (!a) continue;
        const seg = next === 'triage' && reopening ? 'reopen' : a[0];
        const key = next === 'triage' ? (reopening ? 'act.reopen' : inc.state === 'new' ? 'act.startTriage' : a[1]) : a[1];
        const b = h('button', { type: 'button', class: ['btn', a[2]], id: 'act-' + seg, dataset: { action: seg } }, t(key));
        b.addEventListener('click', async () => {
            if (seg === 'resolve' && resolveBox.hidden) {
                resolveBox.hidden = false;
                b.textContent = t('act.confirmResolve');
                resolution.focus();
                return;
            }
            b.disabled = true;
            try {
                const body = seg === 'resolve' && resolution.value.trim() ? { resolution: resolution.value.trim() } : {};
                const fresh = await post(`/api/v1/incidents/${inc.id}/${seg}`, body);
                if (!ctx.alive()) return;
                toast(t('inc.moved', { state: label('state', fresh.state) }), 'ok');
                draw(ctx, fresh);
            } catch (e) {
                toast(e.message, 'err');
                b.disabled = false;
            }
        });
        actions.appendChild(b);
    }
    if (!actions.children.length) actions.appendChild(h('span', { class: 'muted small' }, t('inc.noActions')));
    const editBox = h('div', { class: 'edit-box', id: 'edit-box', hidden: true });
    const editBtn = h('button', { type: 'button', class: 'btn btn-ghost', id: 'act-edit' }, t('inc.edit'));
    editBtn.addEventListener('click', () => {
        if (!editBox.hidden) {
            editBox.hidden = true;
            return;
        }
        editBox.hidden = false;
        editForm(ctx, inc, editBox, reload);
    });
    actions.appendChild(h('span', { class: 'act-sep', 'aria-hidden': 'true' }));
    actions.appendChild(editBtn);

    const phases = h(
        'ol',
        { class: 'phases', id: 'inc-phases' },
        PHASES.filter(([k]) => k !== 'abandoned_at' || inc.abandoned_at).map(([k, lk]) =>
            h('li', { class: ['phase', inc[k] ? 'done' : 'todo'], dataset: { phase: k } }, h('span', { class: 'phase-dot', 'aria-hidden': 'true' }), h('span', { class: 'phase-l' }, t(lk)), h('time', { datetime: inc[k] || '', class: 'phase-t' }, inc[k] ? dateTime(inc[k]) : '—')),
        ),
    );

    const header = h(
        'div',
        { class: 'inc-head card' },
        h(
            'div',
            { class: 'inc-title-row' },
            h('div', null, h('div', { class: 'inc-id mono muted' }, t('inc.incident') + ' #' + inc.id), h('h1', { class: 'inc-title', id: 'inc-title' }, inc.title)),
            actions,
        ),
        h(
            'div',
            { class: 'inc-badges' },
            stateBadge(inc.state),
            sevBadge(inc.severity),
            tlpBadge(inc.tlp),
            h('span', { class: 'badge pap' }, 'PAP:' + (inc.pap || '—')),
            classLabel(inc.rsit_class, inc.rsit_type),
            inc.malware_class ? h('span', { class: 'chip' }, label('malware', inc.malware_class)) : null,
            inc.infection_route ? h('span', { class: 'chip' }, label('route', inc.infection_route)) : null,
            h('span', { class: 'chip' }, t('col.team') + ': ', inc.team || '—'),
            h('span', { class: 'chip' }, t('col.assignee') + ': ', inc.assignee || '—'),
            inc.reopen_count ? h('span', { class: 'chip warn' }, t('inc.reopened', { n: inc.reopen_count })) : null,
            inc.merged_into ? h('span', { class: 'chip warn' }, t('inc.mergedInto'), ' ', idLink('incident', inc.merged_into)) : null,
        ),
        phases,
        editBox,
        resolveBox,
        inc.description ? h('p', { class: 'inc-desc' }, inc.description) : null,
        inc.resolution ? h('p', { class: 'inc-resolution' }, h('strong', null, t('inc.resolution') + ': '), inc.resolution) : null,
    );

    /* ---- reports ---- */
    const reports = table(
        [
            { key: 'id', label: '#', num: true, render: (r) => idLink('report', r.id), sort: (r) => r.id },
            { key: 'subject', label: t('col.subject'), cls: 'wrap sub-col', render: (r) => h('a', { href: '#/reports/' + r.id }, r.subject || t('common.noSubject')) },
            { key: 'reporter', label: t('col.reporter'), render: (r) => [r.reporter, h('div', { class: 'muted small' }, r.source)] },
            { key: 'state', label: t('col.state'), render: (r) => stateBadge(r.state) },
            { key: 'tlp', label: 'TLP', render: (r) => tlpBadge(r.tlp) },
            { key: 'received_at', label: t('col.received'), num: true, render: (r) => dateTime(r.received_at) },
        ],
        inc.reports || [],
        { onOpen: (r) => (location.hash = '#/reports/' + r.id), class: 'tbl-compact', empty: t('inc.noReports') },
    );

    /* ---- observables, each with the other incidents sharing it ---- */
    const obsRows = (inc.observables || []).map((o) => {
        const shared = h('td', { class: 'shared' }, o.other_incidents ? h('span', { class: 'muted' }, '…') : h('span', { class: 'muted' }, '—'));
        const tr = h(
            'tr',
            null,
            h('td', null, h('span', { class: 'obs-type' }, o.type)),
            h('td', { class: 'wrap' }, h('a', { class: 'mono', href: '#/search?observable=' + encodeURIComponent(o.value) }, o.value)),
            h('td', { class: 'num' }, dateTime(o.last_seen)),
            shared,
        );
        if (o.other_incidents) {
            get('/api/v1/observables', { value: o.value })
                .then((a) => {
                    const others = (a.incidents || []).filter((x) => x.id !== inc.id);
                    replace(shared, others.length ? others.map((x) => h('a', { href: '#/incidents/' + x.id, class: 'shared-inc', title: x.title }, '#' + x.id, ' ', stateBadge(x.state))) : h('span', { class: 'muted' }, '—'));
                })
                .catch(() => replace(shared, '?'));
        }
        return tr;
    });
    const obsTable = h(
        'table',
        { class: 'tbl tbl-compact', id: 'inc-observables' },
        h('thead', null, h('tr', null, h('th', null, t('col.type')), h('th', null, t('col.value')), h('th', { class: 'num' }, t('col.lastSeen')), h('th', null, t('inc.sharedWith')))),
        h('tbody', null, obsRows.length ? obsRows : h('tr', { class: 'empty-row' }, h('td', { colspan: 4 }, t('common.none')))),
    );

    /* ---- investigations ---- */
    const invBox = h('div', { class: 'invs', id: 'inc-investigations' });
    for (const inv of inc.investigations || []) invBox.appendChild(investigation(ctx, inv));
    if (!(inc.investigations || []).length) invBox.appendChild(empty(t('inc.noInvestigations')));
    const party = h('input', { id: 'inv-party', required: true, placeholder: t('inv.partyPh') });
    const subject = h('input', { id: 'inv-subject', placeholder: t('inv.subjectPh') });
    const message = h('textarea', { id: 'inv-message', rows: 3, placeholder: t('inv.messagePh') });
    const invForm = h(
        'form',
        { class: 'inline-form', id: 'inv-form' },
        h('div', { class: 'form-row' }, field(t('inv.party'), party, 'inv-party'), field(t('inv.subject'), subject, 'inv-subject')),
        field(t('inv.firstMessage'), message, 'inv-message'),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'inv-submit' }, t('inv.open'))),
    );
    invForm.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!party.value.trim()) return party.focus();
        const body = { party: party.value.trim() };
        if (subject.value.trim()) body.subject = subject.value.trim();
        if (message.value.trim()) body.message = message.value.trim();
        try {
            await post(`/api/v1/incidents/${inc.id}/investigations`, body);
            reload(t('inv.opened'));
        } catch (e) {
            toast(e.message, 'err');
        }
    });

    /* ---- countermeasures ---- */
    const cms = table(
        [
            { key: 'id', label: '#', num: true },
            { key: 'kind', label: t('cm.kind') },
            { key: 'description', label: t('cm.description'), cls: 'wrap' },
            { key: 'state', label: t('col.state'), render: (r) => cmState(r, reload) },
            { key: 'updated_at', label: t('col.updated'), num: true, render: (r) => dateTime(r.updated_at) },
        ],
        inc.countermeasures || [],
        { class: 'tbl-compact', empty: t('cm.none'), sortable: false },
    );
    const cmKind = h('input', { id: 'cm-kind', placeholder: t('cm.kindPh'), class: 'w-12' });
    const cmDesc = h('input', { id: 'cm-desc', placeholder: t('cm.descPh') });
    const cmForm = h('form', { class: 'row-form', id: 'cm-form' }, cmKind, cmDesc, h('button', { type: 'submit', class: 'btn' }, t('cm.add')));
    cmForm.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!cmKind.value.trim()) return cmKind.focus();
        try {
            await post(`/api/v1/incidents/${inc.id}/countermeasures`, { kind: cmKind.value.trim(), description: cmDesc.value.trim() });
            reload(t('cm.added'));
        } catch (e) {
            toast(e.message, 'err');
        }
    });

    /* ---- tasks ---- */
    const taskList = h(
        'ul',
        { class: 'tasks', id: 'inc-tasks' },
        (inc.tasks || []).map((tk) => {
            const cb = h('input', { type: 'checkbox', checked: !!tk.done, id: 'task-' + tk.id });
            cb.addEventListener('change', async () => {
                try {
                    await patch('/api/v1/tasks/' + tk.id, { done: cb.checked });
                    reload();
                } catch (e) {
                    cb.checked = !cb.checked;
                    toast(e.message, 'err');
                }
            });
            return h(
                'li',
                { class: ['task', tk.done ? 'done' : null] },
                cb,
                h('label', { for: 'task-' + tk.id }, tk.title),
                h('span', { class: 'muted small' }, tk.assignee ? '@' + tk.assignee : '', tk.due_at ? ' · ' + t('task.due') + ' ' + dateTime(tk.due_at) : ''),
            );
        }),
    );
    if (!(inc.tasks || []).length) taskList.appendChild(h('li', { class: 'empty' }, t('task.none')));
    const tkTitle = h('input', { id: 'task-title', placeholder: t('task.titlePh') });
    const tkWho = h('input', { id: 'task-assignee', placeholder: t('task.assigneePh'), class: 'w-10' });
    const tkForm = h('form', { class: 'row-form', id: 'task-form' }, tkTitle, tkWho, h('button', { type: 'submit', class: 'btn' }, t('task.add')));
    tkForm.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!tkTitle.value.trim()) return tkTitle.focus();
        const body = { title: tkTitle.value.trim() };
        if (tkWho.value.trim()) body.assignee = tkWho.value.trim();
        try {
            await post(`/api/v1/incidents/${inc.id}/tasks`, body);
            reload(t('task.added'));
        } catch (e) {
            toast(e.message, 'err');
        }
    });

    /* ---- audit ---- */
    const auditBox = h('div', { id: 'inc-audit' }, loading());
    get(`/api/v1/incidents/${inc.id}/audit`)
        .then((a) => {
            if (!ctx.alive()) return;
            const items = (a.items || []).slice().reverse();
            replace(
                auditBox,
                table(
                    [
                        { key: 'at', label: t('audit.when'), num: true, render: (r) => dateTime(r.at), sort: (r) => r.seq },
                        { key: 'actor', label: t('audit.actor') },
                        { key: 'action', label: t('audit.action'), render: (r) => h('code', null, r.action) },
                        { key: 'change', label: t('audit.change'), cls: 'wrap', sortable: false, render: (r) => change(r) },
                        { key: 'seq', label: t('audit.seq'), num: true },
                    ],
                    items,
                    { class: 'tbl-compact', sort: { key: 'at', dir: 'desc' } },
                ).el,
            );
        })
        .catch((e) => replace(auditBox, errorBox(e)));

    replace(
        main,
        h('nav', { class: 'crumbs', 'aria-label': 'breadcrumb' }, h('a', { href: '#/search' }, t('nav.search')), ' / ', '#' + inc.id),
        header,
        h(
            'div',
            { class: 'inc-grid' },
            h(
                'div',
                { class: 'inc-col' },
                card([t('inc.reports'), ' ', h('span', { class: 'count-pill' }, (inc.reports || []).length)], reports.el, { flush: true, class: 'inc-reports' }),
                card([t('inc.observables'), ' ', h('span', { class: 'count-pill' }, (inc.observables || []).length)], obsTable, { flush: true }),
                card([t('inc.investigations'), ' ', h('span', { class: 'count-pill' }, (inc.investigations || []).length)], [invBox, h('details', { class: 'add-box' }, h('summary', null, t('inv.new')), invForm)]),
            ),
            h(
                'div',
                { class: 'inc-col' },
                card(t('inc.details'), kv([
                    [t('col.class'), classLabel(inc.rsit_class, inc.rsit_type)],
                    [t('col.created'), dateTime(inc.created_at)],
                    [t('col.updated'), dateTime(inc.updated_at)],
                    [t('inc.members'), (inc.members || []).map((m) => m.name).join(', ')],
                    [t('inc.teams'), (inc.teams || []).map((x) => (typeof x === 'string' ? x : x.name)).join(', ')],
                ])),
                card([t('inc.countermeasures'), ' ', h('span', { class: 'count-pill' }, (inc.countermeasures || []).length)], [h('div', { id: 'inc-cms' }, cms.el), cmForm], { flush: true }),
                card([t('inc.tasks'), ' ', h('span', { class: 'count-pill' }, (inc.tasks || []).length)], [taskList, tkForm]),
            ),
        ),
        card(t('inc.audit'), auditBox, { flush: true, class: 'inc-audit' }),
    );
    main.dataset.rendered = 'incident';
}

export function change(r) {
    const parts = [];
    const b = r.before && typeof r.before === 'object' ? r.before : {};
    const a = r.after && typeof r.after === 'object' ? r.after : {};
    if (r.action.endsWith('.create')) return h('span', { class: 'muted' }, t('audit.created'));
    for (const k of Object.keys(a)) {
        if (JSON.stringify(a[k]) === JSON.stringify(b[k])) continue;
        parts.push(h('span', { class: 'chg' }, h('span', { class: 'chg-k' }, k + ': '), b[k] !== undefined ? [h('del', null, fmtVal(b[k])), ' → '] : null, h('ins', null, fmtVal(a[k]))));
    }
    return parts.length ? parts : '—';
}

function fmtVal(v) {
    if (v === null || v === undefined) return '∅';
    if (typeof v === 'object') return JSON.stringify(v);
    const sv = String(v);
    return sv.length > 120 ? sv.slice(0, 117) + '…' : sv;
}

function cmState(cm, reload) {
    const next = { pending: ['active', 'removed'], active: ['pending-removal'], 'pending-removal': ['removed', 'active'], removed: [] }[cm.state] || [];
    const sel = h('select', { class: 'mini-select', 'aria-label': t('col.state') }, h('option', { value: cm.state }, label('cmstate', cm.state)), next.map((n) => h('option', { value: n }, '→ ' + label('cmstate', n))));
    sel.addEventListener('change', async () => {
        try {
            await post('/api/v1/countermeasures/' + cm.id + '/state', { state: sel.value });
            reload();
        } catch (e) {
            toast(e.message, 'err');
            sel.value = cm.state;
        }
    });
    return sel;
}

/* One investigation: its header, then its messages (fetched), and a reply form. */
function investigation(ctx, inv) {
    const msgs = h('ol', { class: 'msgs' }, h('li', { class: 'muted small' }, t('common.loading')));
    const body = h('textarea', { rows: 2, placeholder: t('inv.messagePh'), class: 'msg-input', 'aria-label': t('inv.message') });
    const dir = h('select', { class: 'mini-select', 'aria-label': t('inv.direction') }, h('option', { value: 'out' }, t('inv.out')), h('option', { value: 'in' }, t('inv.in')));
    const form = h('form', { class: 'msg-form' }, body, h('div', { class: 'msg-form-row' }, dir, h('button', { type: 'submit', class: 'btn btn-sm' }, t('inv.addMessage'))));
    const stateSel = h('select', { class: 'mini-select', 'aria-label': t('col.state') }, h('option', { value: inv.state }, label('invstate', inv.state)), (inv.next_states || []).map((n) => h('option', { value: n }, '→ ' + label('invstate', n))));
    const el = h(
        'article',
        { class: 'inv', dataset: { id: inv.id } },
        h('header', { class: 'inv-h' }, h('span', { class: 'inv-party' }, inv.party), inv.subject ? h('span', { class: 'inv-subj' }, inv.subject) : null, h('span', { class: 'badge inv-st inv-st-' + inv.state }, label('invstate', inv.state)), h('span', { class: 'spacer' }), stateSel),
        msgs,
        form,
    );
    function drawMsgs(list) {
        replace(
            msgs,
            list.length
                ? list.map((m) => h('li', { class: 'msg msg-' + m.direction }, h('div', { class: 'msg-meta' }, h('span', { class: 'msg-dir' }, m.direction === 'in' ? '⇠ ' + t('inv.in') : '⇢ ' + t('inv.out')), ' · ', m.author || '', ' · ', dateTime(m.created_at)), h('div', { class: 'msg-body' }, m.body)))
                : h('li', { class: 'muted small' }, t('inv.noMessages')),
        );
    }
    /* the incident's copy has only the message count: fetch the thread */
    if (Array.isArray(inv.messages)) drawMsgs(inv.messages);
    else
        get('/api/v1/investigations/' + inv.id)
            .then((full) => ctx.alive() && drawMsgs(full.messages || []))
            .catch((e) => replace(msgs, h('li', null, errorBox(e))));
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!body.value.trim()) return body.focus();
        try {
            const full = await post('/api/v1/investigations/' + inv.id + '/messages', { direction: dir.value, body: body.value });
            /* the state may have moved (a received message answers a waiting request) */
            const fresh = investigation(ctx, full);
            el.replaceWith(fresh);
            toast(t('inv.messageAdded'), 'ok');
        } catch (e) {
            toast(e.message, 'err');
        }
    });
    stateSel.addEventListener('change', async () => {
        try {
            await post('/api/v1/investigations/' + inv.id + '/state', { state: stateSel.value });
            const full = await get('/api/v1/incidents/' + inv.incident_id);
            if (ctx.alive()) draw(ctx, full);
        } catch (e) {
            toast(e.message, 'err');
            stateSel.value = inv.state;
        }
    });
    return el;
}

/* The edit form (PATCH /api/v1/incidents/N): only the fields that changed are sent. */
async function editForm(ctx, inc, box, reload) {
    replace(box, loading());
    const [tax, teams, users] = await Promise.all([
        taxonomy(),
        get('/api/v1/teams').then((r) => (r.teams || r.items || []).map((x) => x.name).filter(Boolean).sort()).catch(() => []),
        get('/api/v1/users').then((r) => (r.items || []).filter((u) => u.role === 'handler' || u.role === 'admin').map((u) => u.name)).catch(() => []),
    ]);
    if (!ctx.alive()) return;
    const sel = (id, list, value, none) => h('select', { id }, none !== undefined ? h('option', { value: '' }, none) : null, list.map(([v, l]) => h('option', { value: v, selected: v === (value || '') }, l)));
    const f = {
        title: h('input', { id: 'ed-title', value: inc.title }),
        severity: sel('ed-severity', tax.severity.map((x) => [x, label('severity', x)]), inc.severity),
        tlp: sel('ed-tlp', tax.tlp.map((x) => [x, 'TLP:' + x]), inc.tlp),
        rsit_class: sel('ed-class', tax.rsit.map((c) => [c.class, label('class', c.class)]), inc.rsit_class, '—'),
        rsit_type: h('select', { id: 'ed-type' }),
        malware_class: sel('ed-malware', tax.malware_class.map((x) => [x, label('malware', x)]), inc.malware_class, '—'),
        infection_route: sel('ed-route', tax.infection_route.map((x) => [x, label('route', x)]), inc.infection_route, '—'),
        team: sel('ed-team', teams.concat(inc.team && !teams.includes(inc.team) ? [inc.team] : []).map((x) => [x, x]), inc.team, '—'),
        assignee: sel('ed-assignee', users.map((x) => [x, x]), inc.assignee || '', '—'),
        description: h('textarea', { id: 'ed-description', rows: 3 }, inc.description || ''),
    };
    const fillTypes = (keep) => {
        const c = tax.rsit.find((x) => x.class === f.rsit_class.value);
        replace(f.rsit_type, h('option', { value: '' }, '—'), (c ? c.types : []).map((ty) => h('option', { value: ty, selected: ty === keep }, ty)));
    };
    fillTypes(inc.rsit_type);
    f.rsit_class.addEventListener('change', () => fillTypes(''));
    const was = { ...inc, assignee: inc.assignee || '', rsit_class: inc.rsit_class || '', rsit_type: inc.rsit_type || '', malware_class: inc.malware_class || '', infection_route: inc.infection_route || '', team: inc.team || '', description: inc.description || '' };
    const row = (key, lk) => h('div', { class: 'field' }, h('label', { for: f[key].id }, t(lk)), f[key]);
    const form = h(
        'form',
        { class: 'edit-form', id: 'edit-form' },
        h('div', { class: 'edit-grid' },
            h('div', { class: 'field wide' }, h('label', { for: 'ed-title' }, t('col.title')), f.title),
            row('severity', 'col.severity'),
            h('div', { class: 'field' }, h('label', { for: 'ed-tlp' }, 'TLP'), f.tlp),
            row('team', 'col.team'),
            row('assignee', 'col.assignee'),
            row('rsit_class', 'field.class'),
            row('rsit_type', 'field.type'),
            row('malware_class', 'field.malware'),
            row('infection_route', 'field.route'),
            h('div', { class: 'field wide' }, h('label', { for: 'ed-description' }, t('inc.description')), f.description),
        ),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'ed-save' }, t('inc.save')), h('button', { type: 'button', class: 'btn btn-ghost', id: 'ed-cancel' }, t('inc.cancel'))),
    );
    form.querySelector('#ed-cancel').addEventListener('click', () => (box.hidden = true));
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const body = {};
        for (const [k, el] of Object.entries(f)) {
            const v = k === 'title' ? el.value.trim() : el.value;
            if (v !== String(was[k] ?? '')) body[k] = v;
        }
        if ('rsit_type' in body && !('rsit_class' in body) && f.rsit_class.value) body.rsit_class = f.rsit_class.value;
        if ('rsit_class' in body && !('rsit_type' in body)) body.rsit_type = f.rsit_type.value;
        if (!Object.keys(body).length) {
            box.hidden = true;
            return;
        }
        try {
            await patch('/api/v1/incidents/' + inc.id, body);
            reload(t('inc.saved'));
        } catch (e) {
            toast(e.message, 'err');
        }
    });
    replace(box, form);
    f.title.focus();
}
