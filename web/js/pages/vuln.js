// SPDX-License-Identifier: MIT
//
// One vulnerability case (#/vulns/N). Staff: a header with the state and only the
// lifecycle actions of the case's "next" list (triage, coordinate, schedule with a date,
// reject with a reason, publish when scheduled -> POST /api/v1/vulns/N/publish, before the
// agreed date only as an early lift of the embargo with a reason: {early, reason}); the
// vendors (status and statement of each, add a vendor team of type vendor/psirt); the
// products (add with a CPE 2.3 name or a purl, remove); CVE, CWE and CVSS with scores;
// remediations; the embargo date; the audit history; the CSAF preview and, once
// published, the advisory's public HTML and JSON. A reporter sees its own case read-only.

import { h, replace } from '../dom.js';
import { api, get, post, patch } from '../api.js';
import { t, label, dateTime } from '../i18n.js';
import { card, tlpBadge, table, loading, errorBox, empty, toast, kv } from '../ui.js';
import { change } from './incident.js';
import { VENDOR_STATUSES, REMEDIATIONS, vstateBadge, cvssBadge, worstCvss, publication, advisoryPaths, localToUtc, utcToLocal } from '../vuln-ui.js';

/* next state -> [action, i18n key, button class] */
const ACTIONS = {
    triage: ['triage', 'vact.triage', ''],
    coordinating: ['coordinate', 'vact.coordinate', 'btn-accent'],
    scheduled: ['schedule', 'vact.schedule', 'btn-accent'],
    published: ['publish', 'vact.publish', 'btn-success'],
    rejected: ['reject', 'vact.reject', 'btn-ghost'],
};
const STEPS = ['received', 'triage', 'coordinating', 'scheduled', 'published'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

function field(labelText, input, wide) {
    return h('div', { class: ['field', wide ? 'wide' : null] }, h('label', { for: input.id }, labelText), input);
}

export async function render(ctx) {
    const { main } = ctx;
    replace(main, loading());
    let v;
    try {
        v = await get('/api/v1/vulns/' + Number(ctx.params[0]));
    } catch (e) {
        if (ctx.alive()) replace(main, errorBox(e));
        return;
    }
    if (!ctx.alive()) return;
    draw(ctx, v);
}

function draw(ctx, v) {
    const { main } = ctx;
    ctx.setTitle(v.public_id + ' ' + v.title);
    const final = v.state === 'published' || v.state === 'rejected';
    const staff = ctx.staff;
    const path = '/api/v1/vulns/' + v.id;
    /* runs a change, then redraws from the case the server answers (or a fresh read) */
    async function act(fn, msg) {
        try {
            const r = await fn();
            const fresh = r && r.public_id ? r : await get(path);
            if (!ctx.alive()) return;
            if (msg) toast(msg, 'ok');
            draw(ctx, fresh);
        } catch (e) {
            toast(e.message, 'err');
            throw e;
        }
    }
    const quiet = (p) => p.catch(() => {});

    /* ---- header: state, actions ---- */
    const actions = h('div', { class: 'actions', id: 'vuln-actions' });
    const box = h('div', { class: 'act-box', id: 'vuln-act-box', hidden: true });
    function openBox(...children) {
        replace(box, children);
        box.hidden = false;
    }
    if (staff) {
        for (const next of v.next || []) {
            const a = ACTIONS[next];
            if (!a) continue;
            const [seg, key, cls] = a;
            const label0 = next === 'coordinating' && v.state === 'scheduled' ? t('vact.unschedule') : t(key);
            const b = h('button', { type: 'button', class: ['btn', cls], id: 'vact-' + seg, dataset: { action: seg } }, label0);
            b.addEventListener('click', () => {
                if (seg === 'schedule') {
                    const d = h('input', { type: 'datetime-local', id: 'vact-date', value: utcToLocal(v.publish_at), required: true });
                    const ok = h('button', { type: 'button', class: 'btn btn-primary btn-sm', id: 'vact-schedule-ok' }, t('vact.confirmSchedule'));
                    ok.addEventListener('click', () => {
                        const at = localToUtc(d.value);
                        if (!at) return d.focus();
                        ok.disabled = true;
                        quiet(act(() => post(`${path}/schedule`, { publish_at: at }), t('vuln.moved', { state: label('vstate', 'scheduled') }))).finally(() => (ok.disabled = false));
                    });
                    openBox(h('label', { for: 'vact-date' }, t('vact.scheduleLead')), h('div', { class: 'row-form' }, d, ok));
                    d.focus();
                } else if (seg === 'reject') {
                    const r = h('textarea', { id: 'vact-reason', rows: 2, placeholder: t('vact.reasonPh') });
                    const ok = h('button', { type: 'button', class: 'btn btn-danger btn-sm', id: 'vact-reject-ok' }, t('vact.confirmReject'));
                    ok.addEventListener('click', () => {
                        if (!r.value.trim()) return r.focus();
                        ok.disabled = true;
                        quiet(act(() => post(`${path}/reject`, { reason: r.value.trim() }), t('vuln.moved', { state: label('vstate', 'rejected') }))).finally(() => (ok.disabled = false));
                    });
                    openBox(h('label', { for: 'vact-reason' }, t('vact.reason')), r, h('div', { class: 'form-actions' }, ok));
                    r.focus();
                } else if (seg === 'publish') {
                    /* before the agreed date the embargo holds: publishing lifts it early, with a reason (audited) */
                    const at = v.publish_at ? Date.parse(v.publish_at) : NaN;
                    const early = at > Date.now();
                    const ok = h('button', { type: 'button', class: 'btn btn-success btn-sm', id: 'vact-publish-ok' }, t(early ? 'vact.confirmEarly' : 'vact.confirmPublish'));
                    const r = early ? h('textarea', { id: 'vact-early-reason', rows: 2, required: true, placeholder: t('vact.earlyReasonPh') }) : null;
                    ok.addEventListener('click', () => {
                        if (r && !r.value.trim()) return r.focus();
                        ok.disabled = true;
                        const send = r ? () => post(`${path}/publish`, { early: true, reason: r.value.trim() }) : () => api('POST', `${path}/publish`, null);
                        quiet(act(send, t('vuln.published'))).finally(() => (ok.disabled = false));
                    });
                    if (early) {
                        openBox(
                            h('p', { class: 'hint', id: 'vact-embargo-note' }, t('vact.embargoLead', { date: dateTime(v.publish_at), utc: v.publish_at })),
                            h('p', { class: 'hint' }, t('vact.publishLead')),
                            h('label', { for: 'vact-early-reason' }, t('vact.earlyReason')),
                            r,
                            h('div', { class: 'form-actions' }, ok),
                        );
                        r.focus();
                    } else {
                        openBox(h('p', { class: 'hint' }, t('vact.publishLead')), h('div', { class: 'form-actions' }, ok));
                    }
                } else {
                    b.disabled = true;
                    quiet(act(() => post(`${path}/${seg}`, {}), t('vuln.moved', { state: label('vstate', next) }))).finally(() => (b.disabled = false));
                }
            });
            actions.appendChild(b);
        }
        if (!actions.children.length) actions.appendChild(h('span', { class: 'muted small' }, final ? t('vuln.readOnly') : t('inc.noActions')));
        if (!final) {
            const eb = h('button', { type: 'button', class: 'btn btn-ghost', id: 'vact-edit' }, t('inc.edit'));
            eb.addEventListener('click', () => openBox(editForm(v, act, path, () => (box.hidden = true))));
            actions.appendChild(h('span', { class: 'act-sep', 'aria-hidden': 'true' }));
            actions.appendChild(eb);
        }
    }

    const cur = STEPS.indexOf(v.state);
    const steps = h(
        'ol',
        { class: ['phases', 'vsteps', v.state === 'rejected' ? 'rejected' : null], id: 'vuln-steps' },
        STEPS.map((s, i) => h('li', { class: ['phase', i <= cur ? 'done' : 'todo', i === cur ? 'current' : null], dataset: { step: s } }, h('span', { class: 'phase-dot', 'aria-hidden': 'true' }), h('span', { class: 'phase-l' }, label('vstate', s)), h('span', { class: 'phase-t' }, s === 'received' ? dateTime(v.created_at) : s === 'scheduled' && v.publish_at ? dateTime(v.publish_at) : s === 'published' && v.published_at ? dateTime(v.published_at) : '\u00a0'))),
    );
    const worst = worstCvss(v.cvss);
    const header = h(
        'div',
        { class: 'inc-head card vuln-head' },
        h('div', { class: 'inc-title-row' }, h('div', null, h('div', { class: 'inc-id mono muted', id: 'vuln-public-id' }, v.public_id), h('h1', { class: 'inc-title', id: 'vuln-title' }, v.title)), staff ? actions : null),
        h(
            'div',
            { class: 'inc-badges' },
            vstateBadge(v.state),
            tlpBadge(v.tlp),
            worst ? cvssBadge(worst) : null,
            (v.cve_ids || []).map((c) => h('span', { class: 'chip mono' }, c)),
            h('span', { class: 'chip', id: 'vuln-embargo-chip' }, t('vuln.embargo') + ': ', v.publish_at ? dateTime(v.publish_at) : '—'),
            staff ? h('span', { class: 'chip' }, t('vuln.vendors') + ': ', String((v.vendors || []).length)) : null,
        ),
        steps,
        box,
        v.state === 'rejected' && v.reject_reason ? h('p', { class: 'inc-resolution' }, h('strong', null, t('vact.reason') + ': '), v.reject_reason) : null,
    );

    /* ---- description ---- */
    const descCard = card(t('vuln.description'), v.description ? h('pre', { class: 'content prose', id: 'vuln-description' }, v.description) : empty(t('vuln.noDescription')));

    /* ---- vendors ---- */
    const vendorRows = (v.vendors || []).map((vd) => {
        const sel = h('select', { class: 'mini-select vendor-status', 'aria-label': t('vuln.status'), disabled: !staff || final, dataset: { team: vd.team } }, h('option', { value: '' }, t('vstatus.none')), VENDOR_STATUSES.map((s) => h('option', { value: s, selected: s === vd.status }, label('vstatus', s))));
        sel.addEventListener('change', () => {
            if (!sel.value) return;
            quiet(act(() => patch(`${path}/vendors/${encodeURIComponent(vd.team)}`, { status: sel.value }), t('vuln.vendorSaved')));
        });
        const stmt = h('input', { class: 'vendor-statement', value: vd.statement || '', placeholder: t('vuln.statementPh'), 'aria-label': t('vuln.statement'), disabled: !staff || final });
        const save = h('button', { type: 'button', class: 'btn btn-sm', disabled: !staff || final }, t('inc.save'));
        save.addEventListener('click', () => quiet(act(() => patch(`${path}/vendors/${encodeURIComponent(vd.team)}`, { statement: stmt.value.trim() }), t('vuln.vendorSaved'))));
        return h(
            'tr',
            { dataset: { team: vd.team } },
            h('td', null, h('div', { class: 'vendor-name' }, vd.full_name || vd.team), h('div', { class: 'muted small mono' }, vd.team, ' · ', vd.type, vd.pgp_fingerprint ? ' · PGP' : '')),
            h('td', null, sel),
            h('td', { class: 'wrap' }, staff && !final ? h('div', { class: 'stmt-form' }, stmt, save) : vd.statement || '—'),
            h('td', { class: 'num' }, dateTime(vd.replied_at)),
        );
    });
    const vendorTable = h(
        'table',
        { class: 'tbl tbl-compact', id: 'vuln-vendors' },
        h('thead', null, h('tr', null, h('th', null, t('vuln.vendor')), h('th', null, t('vuln.status')), h('th', null, t('vuln.statement')), h('th', { class: 'num' }, t('vuln.replied')))),
        h('tbody', null, vendorRows.length ? vendorRows : h('tr', { class: 'empty-row' }, h('td', { colspan: 4 }, t('vuln.noVendors')))),
    );
    let vendorForm = null;
    if (staff && !final) {
        const teamSel = h('select', { id: 'vendor-team', 'aria-label': t('vuln.vendor') }, h('option', { value: '' }, t('common.loading')));
        const addBtn = h('button', { type: 'submit', class: 'btn', id: 'vendor-add' }, t('vuln.addVendor'));
        vendorForm = h('form', { class: 'row-form', id: 'vendor-form' }, teamSel, addBtn);
        get('/api/v1/teams')
            .then((r) => {
                const on = new Set((v.vendors || []).map((x) => x.team));
                const list = (r.teams || r.items || []).filter((x) => (x.type === 'vendor' || x.type === 'psirt') && !on.has(x.name));
                replace(teamSel, h('option', { value: '' }, list.length ? t('vuln.chooseVendor') : t('vuln.noVendorTeams')), list.map((x) => h('option', { value: x.name }, (x.full_name || x.name) + ' (' + x.name + ')')));
            })
            .catch(() => replace(teamSel, h('option', { value: '' }, '?')));
        vendorForm.addEventListener('submit', (ev) => {
            ev.preventDefault();
            if (!teamSel.value) return teamSel.focus();
            quiet(act(() => post(`${path}/vendors`, { team: teamSel.value }), t('vuln.vendorAdded')));
        });
    }

    /* ---- products ---- */
    const products = table(
        [
            { key: 'vendor', label: t('vuln.vendor') },
            { key: 'product', label: t('vuln.product'), cls: 'wrap' },
            { key: 'versions', label: t('vuln.versions'), sortable: false, render: (p) => (p.versions || []).map((x) => (typeof x === 'string' ? x : x.less_than ? '< ' + x.less_than : x.less_than_or_equal ? '≤ ' + x.less_than_or_equal : x.version) + (x.status ? ' (' + x.status + ')' : '')).join(', ') },
            { key: 'id', label: t('vuln.identifier'), cls: 'wrap', sortable: false, render: (p) => [p.cpe ? h('div', { class: 'mono small ident' }, p.cpe) : null, p.purl ? h('div', { class: 'mono small ident' }, p.purl) : null] },
            staff && !final
                ? {
                      key: 'rm',
                      label: '',
                      sortable: false,
                      render: (p) => {
                          const b = h('button', { type: 'button', class: 'btn btn-sm btn-ghost product-remove', 'aria-label': t('vuln.remove'), dataset: { product: p.id } }, t('vuln.remove'));
                          b.addEventListener('click', () => quiet(act(() => api('DELETE', `${path}/products/${p.id}`), t('vuln.productRemoved'))));
                          return b;
                      },
                  }
                : null,
        ].filter(Boolean),
        v.products || [],
        { class: 'tbl-compact', empty: t('vuln.noProducts'), sortable: false },
    );
    products.el.id = 'vuln-products';
    let productForm = null;
    if (staff && !final) {
        const pv = h('input', { id: 'prod-vendor', placeholder: t('vuln.vendor'), class: 'w-10' });
        const pp = h('input', { id: 'prod-product', placeholder: t('vuln.product'), class: 'w-10' });
        const pvers = h('input', { id: 'prod-versions', placeholder: t('vuln.versionsPh'), class: 'w-10' });
        const pid = h('input', { id: 'prod-ident', class: 'mono', placeholder: t('vuln.identPh') });
        productForm = h('form', { class: 'row-form wrap-form', id: 'product-form' }, pv, pp, pvers, pid, h('button', { type: 'submit', class: 'btn', id: 'product-add' }, t('vuln.addProduct')));
        productForm.addEventListener('submit', (ev) => {
            ev.preventDefault();
            if (!pv.value.trim()) return pv.focus();
            if (!pp.value.trim()) return pp.focus();
            const body = { vendor: pv.value.trim(), product: pp.value.trim() };
            const vers = pvers.value.split(',').map((x) => x.trim()).filter(Boolean);
            if (vers.length) body.versions = vers;
            const id = pid.value.trim();
            if (/^pkg:/i.test(id)) body.purl = id;
            else if (id) body.cpe = id;
            quiet(act(() => post(`${path}/products`, body), t('vuln.productAdded')));
        });
    }

    /* ---- CVE, CWE, CVSS ---- */
    const cvssTable = h(
        'table',
        { class: 'tbl tbl-compact', id: 'vuln-cvss' },
        h('thead', null, h('tr', null, h('th', null, t('vuln.version')), h('th', null, t('vuln.vector')), h('th', { class: 'num' }, t('vuln.score')))),
        h('tbody', null, (v.cvss || []).length ? v.cvss.map((c) => h('tr', null, h('td', null, 'v' + c.version), h('td', { class: 'wrap mono small' }, c.vector), h('td', { class: 'num' }, cvssBadge(c)))) : h('tr', { class: 'empty-row' }, h('td', { colspan: 3 }, t('common.none')))),
    );
    const idsCard = card(t('vuln.identifiers'), [
        kv([
            ['CVE', (v.cve_ids || []).length ? h('span', { class: 'mono', id: 'vuln-cves' }, v.cve_ids.join(', ')) : '—'],
            ['CWE', (v.cwe_ids || []).length ? h('span', { class: 'mono', id: 'vuln-cwes' }, v.cwe_ids.join(', ')) : '—'],
        ]),
        cvssTable,
    ]);

    /* ---- remediations ---- */
    const prodName = (id) => {
        const p = (v.products || []).find((x) => x.id === id);
        return p ? p.vendor + ' ' + p.product : t('vuln.wholeCase');
    };
    const remList = h(
        'ul',
        { class: 'remeds', id: 'vuln-remediations' },
        (v.remediations || []).map((r) => h('li', { class: 'remed' }, h('span', { class: 'badge remed-cat remed-' + r.category }, label('remed', r.category)), h('span', { class: 'remed-d' }, r.details), r.url ? h('a', { class: 'remed-url small', href: r.url, rel: 'noopener noreferrer', target: '_blank' }, r.url) : null, h('span', { class: 'muted small' }, ' · ', r.product_id ? prodName(r.product_id) : t('vuln.wholeCase')))),
    );
    if (!(v.remediations || []).length) remList.appendChild(h('li', { class: 'empty' }, t('vuln.noRemediations')));
    let remForm = null;
    if (staff && !final) {
        const cat = h('select', { id: 'rem-category', 'aria-label': t('vuln.category') }, REMEDIATIONS.map((c) => h('option', { value: c }, label('remed', c))));
        const det = h('input', { id: 'rem-details', placeholder: t('vuln.detailsPh') });
        const url = h('input', { id: 'rem-url', type: 'url', placeholder: 'https://…', class: 'w-12' });
        const prod = h('select', { id: 'rem-product', 'aria-label': t('vuln.product') }, h('option', { value: '' }, t('vuln.wholeCase')), (v.products || []).map((p) => h('option', { value: p.id }, p.vendor + ' ' + p.product)));
        remForm = h('form', { class: 'row-form wrap-form', id: 'rem-form' }, cat, det, url, prod, h('button', { type: 'submit', class: 'btn', id: 'rem-add' }, t('vuln.addRemediation')));
        remForm.addEventListener('submit', (ev) => {
            ev.preventDefault();
            if (!det.value.trim()) return det.focus();
            const body = { category: cat.value, details: det.value.trim() };
            if (url.value.trim()) body.url = url.value.trim();
            if (prod.value) body.product_id = Number(prod.value);
            quiet(act(() => post(`${path}/remediations`, body), t('vuln.remediationAdded')));
        });
    }

    /* ---- embargo ---- */
    let embargoBody;
    if (staff && !final) {
        const d = h('input', { type: 'datetime-local', id: 'embargo-date', value: utcToLocal(v.publish_at), 'aria-label': t('vuln.embargo') });
        const set = h('button', { type: 'submit', class: 'btn', id: 'embargo-set' }, t('vuln.setEmbargo'));
        const ef = h('form', { class: 'row-form', id: 'embargo-form' }, d, set);
        ef.addEventListener('submit', (ev) => {
            ev.preventDefault();
            const at = localToUtc(d.value);
            if (!at && v.state === 'scheduled') return d.focus();
            quiet(act(() => patch(path, { publish_at: at || null }), t('vuln.embargoSaved')));
        });
        embargoBody = [h('p', { class: 'embargo-now', id: 'vuln-embargo' }, v.publish_at ? [h('strong', null, dateTime(v.publish_at)), ' ', h('span', { class: 'muted small' }, 'UTC ' + v.publish_at)] : h('span', { class: 'muted' }, t('vuln.noEmbargo'))), ef, h('p', { class: 'hint' }, t('vuln.embargoHint'))];
    } else {
        embargoBody = h('p', { class: 'embargo-now', id: 'vuln-embargo' }, v.publish_at ? dateTime(v.publish_at) : t('vuln.noEmbargo'));
    }

    /* ---- advisory: CSAF preview, then the published files ---- */
    const advBox = h('div', { id: 'vuln-advisory', class: 'adv-links' }, h('a', { class: 'btn btn-sm', href: `${path}/csaf`, target: '_blank', rel: 'noopener', id: 'vuln-csaf' }, t('vuln.csafPreview')), staff && (v.cve_ids || []).length ? h('a', { class: 'btn btn-sm btn-ghost', href: `${path}/cve`, target: '_blank', rel: 'noopener', id: 'vuln-cve-json' }, t('vuln.cveRecord')) : null);
    if (v.state === 'published' && v.advisory_id) {
        const pub = h('div', { class: 'adv-published', id: 'vuln-published' }, loading());
        advBox.appendChild(pub);
        get('/api/v1/advisories/' + encodeURIComponent(v.advisory_id))
            .then((a) => {
                if (!ctx.alive()) return;
                const p = advisoryPaths(a);
                replace(
                    pub,
                    h('div', { class: 'adv-title' }, t('vuln.advisory'), ' ', h('span', { class: 'mono' }, a.tracking_id), ' ', tlpBadge(a.tlp)),
                    h(
                        'div',
                        { class: 'adv-links' },
                        p.html ? h('a', { class: 'btn btn-sm btn-primary', href: p.html, target: '_blank', rel: 'noopener', id: 'adv-html' }, t('adv.html')) : null,
                        p.json ? h('a', { class: 'btn btn-sm', href: p.json, target: '_blank', rel: 'noopener', id: 'adv-json' }, t('adv.json')) : null,
                        h('a', { class: 'btn btn-sm btn-ghost', href: p.api, target: '_blank', rel: 'noopener', id: 'adv-api' }, t('adv.api')),
                    ),
                    p.json && !p.public ? h('p', { class: 'hint' }, t('adv.tokenNeeded')) : null,
                );
            })
            .catch((e) => replace(pub, errorBox(e)));
    }

    const advCard = card(t('vuln.advisory'), advBox, { class: 'adv-card' });

    /* ---- audit ---- */
    let auditCard = null;
    if (staff) {
        const auditBox = h('div', { id: 'vuln-audit' }, loading());
        get(`${path}/audit`)
            .then((a) => {
                if (!ctx.alive()) return;
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
                        (a.items || []).slice().reverse(),
                        { class: 'tbl-compact', sort: { key: 'at', dir: 'desc' } },
                    ).el,
                );
            })
            .catch((e) => replace(auditBox, errorBox(e)));
        auditCard = card(t('inc.audit'), auditBox, { flush: true, class: 'inc-audit' });
    }

    const rep = v.reporter || {};
    replace(
        main,
        h('nav', { class: 'crumbs', 'aria-label': 'breadcrumb' }, h('a', { href: staff ? '#/vulns' : '#/my-vulns' }, staff ? t('nav.vulns') : t('nav.myVulns')), ' / ', v.public_id),
        header,
        h(
            'div',
            { class: 'inc-grid' },
            h(
                'div',
                { class: 'inc-col' },
                descCard,
                staff ? card([t('vuln.vendors'), ' ', h('span', { class: 'count-pill' }, (v.vendors || []).length)], [vendorTable, vendorForm], { flush: true }) : null,
                card([t('vuln.products'), ' ', h('span', { class: 'count-pill' }, (v.products || []).length)], [products.el, productForm], { flush: true }),
                card([t('vuln.remediations'), ' ', h('span', { class: 'count-pill' }, (v.remediations || []).length)], [remList, remForm]),
            ),
            h(
                'div',
                { class: 'inc-col' },
                v.state === 'published' ? advCard : null,
                card(t('inc.details'), kv([
                    [t('col.state'), vstateBadge(v.state)],
                    ['TLP', tlpBadge(v.tlp)],
                    [t('col.reporter'), [rep.name || '—', rep.organisation ? ' · ' + rep.organisation : '', rep.email ? h('div', { class: 'muted small' }, rep.email) : null]],
                    [t('col.received'), dateTime(v.created_at)],
                    [t('col.updated'), dateTime(v.updated_at)],
                    staff ? [t('vuln.createdBy'), v.created_by] : null,
                    [t('vuln.publication'), publication(v)],
                ])),
                card(t('vuln.embargo'), embargoBody, { class: 'embargo-card' }),
                idsCard,
                v.state !== 'published' ? advCard : null,
            ),
        ),
        auditCard,
    );
    main.dataset.rendered = 'vuln';
    /* a counter of redraws: tests wait for the page drawn from a change's answer */
    main.dataset.drawn = String(Number(main.dataset.drawn || 0) + 1);
}

/* The edit form: title, TLP, description, CVE/CWE ids and CVSS vectors (PATCH; only what
 * changed is sent). */
function editForm(v, act, path, close) {
    const f = {
        title: h('input', { id: 've-title', value: v.title }),
        tlp: h('select', { id: 've-tlp' }, TLPS.map((x) => h('option', { value: x, selected: x === v.tlp }, 'TLP:' + x))),
        cve_ids: h('input', { id: 've-cves', class: 'mono', value: (v.cve_ids || []).join(', '), placeholder: 'CVE-2026-12345' }),
        cwe_ids: h('input', { id: 've-cwes', class: 'mono', value: (v.cwe_ids || []).join(', '), placeholder: 'CWE-787' }),
        cvss: h('textarea', { id: 've-cvss', class: 'mono', rows: 2, placeholder: t('vuln.cvssPh') }, (v.cvss || []).map((c) => c.vector).join('\n')),
        description: h('textarea', { id: 've-description', rows: 5 }, v.description || ''),
    };
    const list = (s) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
    const form = h(
        'form',
        { class: 'edit-form', id: 'vuln-edit-form' },
        h('div', { class: 'edit-grid' }, field(t('col.title'), f.title, true), field('TLP', f.tlp), field('CVE', f.cve_ids), field('CWE', f.cwe_ids), field('CVSS', f.cvss, true), field(t('vuln.description'), f.description, true)),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 've-save' }, t('inc.save')), h('button', { type: 'button', class: 'btn btn-ghost', id: 've-cancel' }, t('inc.cancel'))),
    );
    form.querySelector('#ve-cancel').addEventListener('click', close);
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const body = {};
        if (f.title.value.trim() !== v.title) body.title = f.title.value.trim();
        if (f.tlp.value !== v.tlp) body.tlp = f.tlp.value;
        if (f.description.value !== (v.description || '')) body.description = f.description.value;
        const cves = list(f.cve_ids.value), cwes = list(f.cwe_ids.value), cvss = f.cvss.value.split('\n').map((x) => x.trim()).filter(Boolean);
        if (JSON.stringify(cves) !== JSON.stringify(v.cve_ids || [])) body.cve_ids = cves;
        if (JSON.stringify(cwes) !== JSON.stringify(v.cwe_ids || [])) body.cwe_ids = cwes;
        if (JSON.stringify(cvss) !== JSON.stringify((v.cvss || []).map((c) => c.vector))) body.cvss = cvss;
        if (!Object.keys(body).length) return close();
        act(() => patch(path, body), t('vuln.saved')).catch(() => {});
    });
    setTimeout(() => f.title.focus(), 0);
    return form;
}
