// SPDX-License-Identifier: MIT
//
// Report queue (#/queue): the reports waiting for triage (state "new"), one selected at a
// time with its text, observables and correlation hits, and a triage form: RSIT class and
// type (GET /api/v1/taxonomy), malware class, infection route, severity, TLP, and the
// target (a new incident, or an existing one the correlation suggests). Keyboard: j/k move,
// Enter edits the classification, 1-4 severity, n new incident, a attach to the first hit,
// t triage, r r reject, ? help.

import { h, replace, clear } from '../dom.js';
import { get, post } from '../api.js';
import { t, label, dateTime, ago, num } from '../i18n.js';
import { stateBadge, sevBadge, tlpBadge, loading, empty, pageHeader, toast, idLink } from '../ui.js';

let taxonomyCache = null;
export async function taxonomy() {
    if (!taxonomyCache) taxonomyCache = await get('/api/v1/taxonomy');
    return taxonomyCache;
}

function segmented(name, values, selected, render) {
    const wrap = h('div', { class: 'seg wide', role: 'radiogroup', id: 'seg-' + name });
    values.forEach((v, i) => {
        const id = `q-${name}-${i}`;
        const input = h('input', { type: 'radio', name, id, value: v, checked: v === selected });
        wrap.appendChild(h('span', { class: 'seg-item' }, input, h('label', { for: id, class: 'seg-label seg-' + name + '-' + String(v).toLowerCase().replace('+', '-') }, render ? render(v, i) : v)));
    });
    return wrap;
}

function segValue(root, name) {
    const c = root.querySelector(`input[name="${name}"]:checked`);
    return c ? c.value : '';
}

function setSeg(root, name, value) {
    const c = root.querySelector(`input[name="${name}"][value="${CSS.escape(value)}"]`);
    if (c) c.checked = true;
}

export async function render(ctx) {
    const { main, query } = ctx;
    replace(main, pageHeader(t('nav.queue')), loading());
    const [tax, first] = await Promise.all([taxonomy(), get('/api/v1/reports', { state: 'new', limit: 50, order: 'desc' })]);
    if (!ctx.alive()) return;

    let items = first.items.slice();
    let cursor = first.next_cursor;
    let sel = -1;
    let detail = null; /* the selected report, full */
    let rejectArmed = false;
    let busy = false;
    let total = null; /* the exact queue length, from the dashboard count */

    const listEl = h('ul', { class: 'q-list', id: 'queue-list', role: 'listbox', 'aria-label': t('nav.queue') });
    const more = h('button', { type: 'button', class: 'btn btn-sm btn-block', id: 'queue-more' }, t('common.loadMore'));
    const detailEl = h('div', { class: 'q-detail', id: 'queue-detail' });
    const countEl = h('span', { class: 'count-pill', id: 'queue-count' });

    more.addEventListener('click', async () => {
        more.disabled = true;
        const r = await get('/api/v1/reports', { state: 'new', limit: 50, order: 'desc', cursor });
        items = items.concat(r.items);
        cursor = r.next_cursor;
        drawList();
        more.disabled = false;
    });

    function drawList() {
        clear(listEl);
        items.forEach((r, i) => {
            const li = h(
                'li',
                { class: ['q-item', i === sel ? 'sel' : null], role: 'option', 'aria-selected': i === sel ? 'true' : 'false', dataset: { id: r.id } },
                h('div', { class: 'q-item-top' }, h('span', { class: 'q-id mono' }, '#' + r.id), h('span', { class: 'q-subj' }, r.subject || t('common.noSubject'))),
                h(
                    'div',
                    { class: 'q-item-meta' },
                    tlpBadge(r.tlp),
                    h('span', { class: 'muted' }, r.source),
                    r.incident_id ? h('span', { class: 'hit-flag', title: t('queue.correlated') }, '⛓ #' + r.incident_id) : null,
                    r.duplicates ? h('span', { class: 'dup-flag' }, '×' + (r.duplicates + 1)) : null,
                    h('span', { class: 'muted q-age' }, ago(r.received_at)),
                ),
            );
            li.addEventListener('click', () => select(i));
            listEl.appendChild(li);
        });
        if (!items.length) listEl.appendChild(h('li', { class: 'q-empty' }, t('queue.empty')));
        more.hidden = !cursor;
        countEl.textContent = total !== null ? num(total) : cursor ? num(items.length) + '+' : num(items.length);
    }

    async function select(i) {
        if (i < 0 || i >= items.length) return;
        sel = i;
        rejectArmed = false;
        for (const li of listEl.children) {
            const on = li.dataset.id === String(items[i].id);
            li.classList.toggle('sel', on);
            li.setAttribute('aria-selected', on ? 'true' : 'false');
            if (on) li.scrollIntoView({ block: 'nearest' });
        }
        const id = items[i].id;
        replace(detailEl, loading());
        const r = await get('/api/v1/reports/' + id);
        if (!ctx.alive() || sel < 0 || items[sel].id !== id) return;
        detail = r;
        drawDetail(r);
    }

    function drawDetail(r) {
        const classSel = h('select', { id: 'triage-class', name: 'rsit_class' }, h('option', { value: '' }, t('queue.chooseClass')), tax.rsit.map((c) => h('option', { value: c.class, selected: c.class === r.rsit_class }, label('class', c.class))));
        const typeSel = h('select', { id: 'triage-type', name: 'rsit_type' });
        function fillTypes() {
            const c = tax.rsit.find((x) => x.class === classSel.value);
            replace(typeSel, h('option', { value: '' }, '—'), (c ? c.types : []).map((ty) => h('option', { value: ty, selected: ty === r.rsit_type }, ty)));
            typeSel.disabled = !c;
        }
        fillTypes();
        classSel.addEventListener('change', () => {
            fillTypes();
            if (typeSel.options.length === 2) typeSel.selectedIndex = 1;
        });
        const malSel = h('select', { id: 'triage-malware', name: 'malware_class' }, h('option', { value: '' }, '—'), tax.malware_class.map((m) => h('option', { value: m }, label('malware', m))));
        const routeSel = h('select', { id: 'triage-route', name: 'infection_route' }, h('option', { value: '' }, '—'), tax.infection_route.map((m) => h('option', { value: m }, label('route', m))));
        const sev = segmented('severity', tax.severity, 'medium', (v, i) => [h('kbd', { class: 'seg-kbd' }, String(i + 1)), label('severity', v)]);
        const tlp = segmented('tlp', tax.tlp, r.tlp || 'AMBER', (v) => v);

        /* Targets: a new incident, or an incident the correlation points at. */
        const title = h('input', { id: 'triage-title', name: 'title', value: r.subject || '', placeholder: t('queue.newTitle') });
        const targets = h('div', { class: 'targets', id: 'triage-targets', role: 'radiogroup' });
        const newOpt = h('label', { class: 'target' }, h('input', { type: 'radio', name: 'target', value: 'new', checked: true, id: 'target-new' }), h('span', { class: 'target-main' }, h('strong', null, t('queue.newIncident')), ' ', h('kbd', null, 'n')), title);
        targets.appendChild(newOpt);
        const hitsEl = h('div', { class: 'hits', id: 'triage-hits' }, loading());
        const otherId = h('input', { type: 'number', min: 1, id: 'target-other-id', class: 'w-6', placeholder: '#', 'aria-label': t('queue.otherIncident') });
        const otherOpt = h('label', { class: 'target' }, h('input', { type: 'radio', name: 'target', value: 'other', id: 'target-other' }), h('span', { class: 'target-main' }, t('queue.otherIncident')), otherId);
        otherId.addEventListener('input', () => (otherOpt.querySelector('input').checked = true));
        targets.appendChild(hitsEl);
        targets.appendChild(otherOpt);

        const triageBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'triage-submit' }, t('queue.triage'), ' ', h('kbd', null, 't'));
        const rejectBtn = h('button', { type: 'button', class: 'btn btn-danger', id: 'triage-reject' }, t('queue.reject'), ' ', h('kbd', null, 'r'));
        const form = h(
            'form',
            { class: 'triage-form', id: 'triage-form' },
            h('div', { class: 'form-grid' },
                h('label', { for: 'triage-class' }, t('field.class')), classSel,
                h('label', { for: 'triage-type' }, t('field.type')), typeSel,
                h('label', { for: 'triage-malware' }, t('field.malware')), malSel,
                h('label', { for: 'triage-route' }, t('field.route')), routeSel,
                h('span', { class: 'lbl' }, t('field.severity')), sev,
                h('span', { class: 'lbl' }, 'TLP'), tlp,
            ),
            h('h3', { class: 'sub-h' }, t('queue.target')),
            targets,
            h('div', { class: 'form-actions' }, triageBtn, rejectBtn, h('span', { class: 'muted small' }, t('queue.keysHint'))),
        );
        targets.addEventListener('change', () => {
            const isNew = segValue(form, 'target') === 'new';
            /* severity, malware class and route only apply to a new incident */
            for (const el of [malSel, routeSel]) el.disabled = !isNew;
            for (const el of sev.querySelectorAll('input')) el.disabled = !isNew;
            title.disabled = !isNew;
        });
        form.addEventListener('submit', (ev) => {
            ev.preventDefault();
            triage();
        });
        rejectBtn.addEventListener('click', () => reject(true));

        const obsList = (r.observables || []).map((o) =>
            h('li', { class: 'obs' }, h('span', { class: 'obs-type' }, o.type), h('a', { class: 'obs-val mono', href: '#/search?observable=' + encodeURIComponent(o.value) }, o.value)),
        );
        const corr = r.correlation
            ? h(
                  'div',
                  { class: 'alert alert-info corr', id: 'triage-correlation' },
                  h('strong', null, t('queue.correlation')),
                  ' ',
                  r.correlation.reason,
                  ' → ',
                  idLink('incident', r.correlation.incident_id),
                  ' ',
                  r.correlation.incident_state && r.correlation.incident_state !== 'open' ? stateBadge(r.correlation.incident_state) : null,
                  h('div', { class: 'corr-obs' }, (r.correlation.observables || []).map((o) => h('code', null, o.value))),
              )
            : null;

        replace(
            detailEl,
            h(
                'div',
                { class: 'card q-card' },
                h(
                    'header',
                    { class: 'q-head' },
                    h('div', { class: 'q-title' }, h('span', { class: 'mono muted' }, '#' + r.id), ' ', h('h2', { id: 'report-subject' }, r.subject || t('common.noSubject'))),
                    h(
                        'div',
                        { class: 'q-meta' },
                        stateBadge(r.state),
                        tlpBadge(r.tlp),
                        h('span', null, t('col.source') + ': ', h('b', null, r.source)),
                        h('span', null, t('col.reporter') + ': ', h('b', null, r.reporter)),
                        h('span', { title: r.received_at }, dateTime(r.received_at)),
                        r.duplicates ? h('span', { class: 'dup-flag' }, t('queue.dups', { n: r.duplicates })) : null,
                        h('a', { href: '#/reports/' + r.id, class: 'small' }, t('queue.openReport')),
                    ),
                ),
                h('div', { class: 'q-body' },
                    h('pre', { class: 'content', id: 'report-content', tabindex: '0' }, r.content),
                    obsList.length ? h('div', { class: 'obs-box' }, h('h3', { class: 'sub-h' }, t('inc.observables'), ' ', h('span', { class: 'count-pill' }, obsList.length)), h('ul', { class: 'obs-list' }, obsList)) : null,
                    corr,
                ),
                h('div', { class: 'q-form' }, form),
            ),
        );
        loadHits(r, hitsEl);
    }

    /* For every observable of the report: which incidents carry it (the correlation hits). */
    async function loadHits(r, el) {
        const obs = (r.observables || []).slice(0, 12);
        const found = new Map();
        if (r.incident_id) found.set(r.incident_id, { id: r.incident_id, title: '', state: r.correlation ? r.correlation.incident_state : '', values: new Set() });
        const answers = await Promise.all(obs.map((o) => get('/api/v1/observables', { value: o.value }).catch(() => null)));
        if (!ctx.alive() || !detail || detail.id !== r.id) return;
        answers.forEach((a, i) => {
            if (!a) return;
            for (const inc of a.incidents || []) {
                const e = found.get(inc.id) || { id: inc.id, values: new Set() };
                Object.assign(e, { title: inc.title, state: inc.state, severity: inc.severity, tlp: inc.tlp });
                e.values.add(obs[i].value);
                found.set(inc.id, e);
            }
        });
        const hits = Array.from(found.values()).sort((a, b) => b.values.size - a.values.size || b.id - a.id);
        clear(el);
        hits.forEach((e, i) =>
            el.appendChild(
                h(
                    'label',
                    { class: 'target hit' },
                    h('input', { type: 'radio', name: 'target', value: String(e.id), id: 'target-hit-' + e.id }),
                    h(
                        'span',
                        { class: 'target-main' },
                        t('queue.attachTo'),
                        ' ',
                        h('a', { href: '#/incidents/' + e.id, class: 'mono' }, '#' + e.id),
                        ' ',
                        h('span', { class: 'hit-title' }, e.title || ''),
                        ' ',
                        e.state ? stateBadge(e.state) : null,
                        e.severity ? sevBadge(e.severity) : null,
                        i === 0 ? h('kbd', null, 'a') : null,
                    ),
                    h('span', { class: 'hit-obs' }, t('queue.shares', { n: e.values.size }), ' ', Array.from(e.values).map((v) => h('code', null, v))),
                ),
            ),
        );
        if (!hits.length) el.appendChild(h('div', { class: 'muted small hits-none' }, t('queue.noHits')));
    }

    async function triage() {
        if (!detail || busy) return;
        const form = document.getElementById('triage-form');
        const target = segValue(form, 'target');
        const body = {};
        const cls = form.querySelector('#triage-class').value;
        const type = form.querySelector('#triage-type').value;
        if (cls) body.rsit_class = cls;
        if (cls && type) body.rsit_type = type;
        body.tlp = segValue(form, 'tlp');
        if (target === 'new') {
            body.severity = segValue(form, 'severity');
            const m = form.querySelector('#triage-malware').value, ro = form.querySelector('#triage-route').value;
            if (m) body.malware_class = m;
            if (ro) body.infection_route = ro;
            const title = form.querySelector('#triage-title').value.trim();
            if (title) body.title = title;
        } else if (target === 'other') {
            const n = parseInt(form.querySelector('#target-other-id').value, 10);
            if (!(n > 0)) {
                toast(t('queue.needIncident'), 'err');
                form.querySelector('#target-other-id').focus();
                return;
            }
            body.incident_id = n;
        } else body.incident_id = parseInt(target, 10);
        busy = true;
        try {
            const inc = await post('/api/v1/reports/' + detail.id + '/triage', body);
            toast(t(target === 'new' ? 'queue.opened' : 'queue.attached', { id: detail.id, inc: inc.id }), 'ok', h('a', { href: '#/incidents/' + inc.id }, t('queue.view')));
            done();
        } catch (e) {
            toast(e.message, 'err');
        } finally {
            busy = false;
        }
    }

    async function reject(confirmed) {
        if (!detail || busy) return;
        const btn = document.getElementById('triage-reject');
        if (!confirmed && !rejectArmed) {
            rejectArmed = true;
            if (btn) {
                btn.classList.add('armed');
                btn.firstChild.textContent = t('queue.rejectAgain');
            }
            return;
        }
        busy = true;
        try {
            await post('/api/v1/reports/' + detail.id + '/reject');
            toast(t('queue.rejected', { id: detail.id }), 'ok');
            done();
        } catch (e) {
            toast(e.message, 'err');
        } finally {
            busy = false;
        }
    }

    function done() {
        items.splice(sel, 1);
        detail = null;
        if (total !== null) total = Math.max(0, total - 1);
        drawList();
        ctx.refreshQueueCount().then((n) => {
            if (n !== null && ctx.alive()) {
                total = n;
                countEl.textContent = num(n);
            }
        });
        if (items.length) select(Math.min(sel, items.length - 1));
        else {
            sel = -1;
            replace(detailEl, empty(t('queue.allDone')));
        }
    }

    replace(
        main,
        pageHeader([t('nav.queue'), ' ', countEl], h('button', { type: 'button', class: 'btn btn-sm btn-ghost', id: 'queue-help' }, h('kbd', null, '?'), ' ', t('help.title'))),
        h('div', { class: 'queue' }, h('div', { class: 'q-left card' }, listEl, more), detailEl),
    );
    document.getElementById('queue-help').addEventListener('click', () => document.dispatchEvent(new KeyboardEvent('keydown', { key: '?' })));
    drawList();
    ctx.refreshQueueCount().then((n) => {
        if (n !== null && ctx.alive()) {
            total = n;
            countEl.textContent = num(n);
        }
    });
    if (items.length) {
        const want = query.report ? items.findIndex((r) => String(r.id) === query.report) : 0;
        await select(want >= 0 ? want : 0);
    } else replace(detailEl, empty(t('queue.allDone')));
    main.dataset.rendered = 'queue';

    const keys = () => [
        ['j / k', t('keys.nextPrev')],
        ['Enter', t('keys.classify')],
        ['1 – 4', t('keys.severity')],
        ['n', t('queue.newIncident')],
        ['a', t('keys.attachFirst')],
        ['t', t('queue.triage')],
        ['r r', t('queue.reject')],
        ['Esc', t('keys.leaveField')],
    ];
    ctx.onKey((ev) => {
        if (ev.key !== 'r' && rejectArmed) {
            rejectArmed = false;
            const b = document.getElementById('triage-reject');
            if (b) {
                b.classList.remove('armed');
                b.firstChild.textContent = t('queue.reject');
            }
        }
        const form = document.getElementById('triage-form');
        switch (ev.key) {
            case 'j':
            case 'ArrowDown':
                select(Math.min(items.length - 1, sel + 1));
                return true;
            case 'k':
            case 'ArrowUp':
                select(Math.max(0, sel - 1));
                return true;
            case 'Enter': {
                const c = document.getElementById('triage-class');
                if (c) c.focus();
                return true;
            }
            case 't':
                triage();
                return true;
            case 'r':
                reject(false);
                return true;
            case 'n':
                if (form) {
                    setSeg(form, 'target', 'new');
                    form.querySelector('#triage-targets').dispatchEvent(new Event('change'));
                }
                return true;
            case 'a': {
                const first = form && form.querySelector('.hit input');
                if (first) {
                    first.checked = true;
                    form.querySelector('#triage-targets').dispatchEvent(new Event('change'));
                }
                return true;
            }
            case '1':
            case '2':
            case '3':
            case '4':
                if (form) setSeg(form, 'severity', tax.severity[Number(ev.key) - 1]);
                return true;
            default:
                return false;
        }
    }, keys);
}
