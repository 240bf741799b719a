// SPDX-License-Identifier: MIT
//
// Search and lists (#/search?...): incidents or reports filtered by state, severity,
// team, class, TLP, date range, free text and observable (an address, a domain, a hash),
// with cursor pagination (the API's keyset cursor), columns sorted by the server (a click
// on a header asks the API for the whole result in that order, sort=, a second click turns
// the direction; the pages keep the sort) and keyboard navigation (j/k/Enter, n/p pages,
// f filters). The filters and the sort live in the URL, so a list can be bookmarked.

import { h, replace, buildQuery } from '../dom.js';
import { get } from '../api.js';
import { t, label, dateTime, num } from '../i18n.js';
import { stateBadge, sevBadge, tlpBadge, classLabel, idLink, table, loading, errorBox, pageHeader, card } from '../ui.js';
import { taxonomy } from './queue.js';

const SEV_ORDER = ['low', 'medium', 'high', 'critical'];
const STATE_ORDER = ['new', 'triage', 'analysis', 'mitigation', 'resolved', 'abandoned', 'open', 'rejected'];
const FILTERS = ['kind', 'state', 'severity', 'team', 'class', 'tlp', 'from', 'to', 'q', 'observable', 'order', 'sort'];
/* The columns the API sorts by (column key -> the API's sort name); the others do not sort. */
const SERVER_SORTS = {
    incidents: { id: 'id', title: 'title', state: 'state', severity: 'severity', team: 'team', created_at: 'created', updated_at: 'updated' },
    reports: { id: 'id', subject: 'subject', state: 'state', received_at: 'received', updated_at: 'updated' },
};
/* Text columns start ascending (A to Z), the others descending (newest, worst first). */
const TEXT_SORTS = ['title', 'subject', 'team'];
/* cursor history per filter set, for "previous page" */
const cursorHistory = new Map();

let teamsCache = null;
async function teams() {
    if (!teamsCache) {
        try {
            const r = await get('/api/v1/teams');
            teamsCache = (r.teams || r.items || []).map((x) => x.name).filter(Boolean).sort();
        } catch {
            teamsCache = [];
        }
    }
    return teamsCache;
}

function sel(id, name, list, value, any) {
    return h('select', { id, name }, h('option', { value: '' }, any), list.map(([v, l]) => h('option', { value: v, selected: v === (value || '') }, l)));
}

export async function render(ctx) {
    const { main, query } = ctx;
    const kind = query.kind === 'reports' ? 'reports' : 'incidents';
    replace(main, pageHeader(t('nav.search')), loading());
    const [tax, teamNames] = await Promise.all([taxonomy(), teams()]);
    if (!ctx.alive()) return;

    /* ---- filter form ---- */
    const states = kind === 'incidents' ? ['open', 'closed', 'new', 'triage', 'analysis', 'mitigation', 'resolved', 'abandoned'] : ['new', 'open', 'resolved', 'rejected'];
    const f = {
        q: h('input', { type: 'search', id: 'f-q', name: 'q', value: query.q || '', placeholder: t('search.textPh') }),
        observable: h('input', { type: 'search', id: 'f-observable', name: 'observable', value: query.observable || '', placeholder: '198.51.100.7, example.com, sha256…', class: 'mono', spellcheck: 'false' }),
        state: sel('f-state', 'state', states.map((s) => [s, label('state', s)]), query.state, t('search.anyState')),
        severity: kind === 'incidents' ? sel('f-severity', 'severity', tax.severity.map((s) => [s, label('severity', s)]), query.severity, t('search.anySeverity')) : null,
        team: kind === 'incidents' ? sel('f-team', 'team', teamNames.map((x) => [x, x]), query.team, t('search.anyTeam')) : null,
        class: sel('f-class', 'class', tax.rsit.map((c) => [c.class, label('class', c.class)]), query.class, t('search.anyClass')),
        tlp: sel('f-tlp', 'tlp', tax.tlp.map((x) => [x, 'TLP:' + x]), query.tlp, t('search.anyTlp')),
        from: h('input', { type: 'date', id: 'f-from', name: 'from', value: query.from || '' }),
        to: h('input', { type: 'date', id: 'f-to', name: 'to', value: query.to || '' }),
    };
    const kindTabs = h(
        'div',
        { class: 'tabs', role: 'tablist' },
        ['incidents', 'reports'].map((k) =>
            h('a', { role: 'tab', class: ['tab', k === kind ? 'active' : null], 'aria-selected': k === kind ? 'true' : 'false', href: '#/search' + buildQuery({ ...pick(query, ['q', 'observable', 'class', 'tlp', 'from', 'to']), kind: k === 'incidents' ? '' : k }), id: 'tab-' + k }, t('search.' + k)),
        ),
    );
    const form = h(
        'form',
        { class: 'filters', id: 'search-form', role: 'search' },
        h('div', { class: 'filters-row' }, labelled(t('search.text'), f.q), labelled(t('search.observable'), f.observable)),
        h(
            'div',
            { class: 'filters-row' },
            labelled(t('col.state'), f.state),
            f.severity ? labelled(t('col.severity'), f.severity) : null,
            f.team ? labelled(t('col.team'), f.team) : null,
            labelled(t('col.class'), f.class),
            labelled('TLP', f.tlp),
            labelled(t('search.from'), f.from),
            labelled(t('search.to'), f.to),
            h('div', { class: 'filters-btns' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'search-submit' }, t('search.apply')), h('a', { class: 'btn btn-ghost', href: '#/search' + (kind === 'reports' ? '?kind=reports' : '') }, t('search.reset'))),
        ),
    );
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const next = { kind: kind === 'reports' ? 'reports' : '' };
        for (const [k, el] of Object.entries(f)) if (el) next[k] = el.value.trim();
        if (query.order) next.order = query.order;
        if (query.sort) next.sort = query.sort;
        location.hash = '#/search' + buildQuery(next);
    });
    for (const el of [f.state, f.severity, f.team, f.class, f.tlp]) if (el) el.addEventListener('change', () => form.requestSubmit());

    /* ---- the page of results ---- */
    const params = {};
    for (const k of ['state', 'severity', 'team', 'class', 'tlp', 'q', 'observable']) if (query[k] && (kind === 'incidents' || !['severity', 'team'].includes(k))) params[k] = query[k];
    if (query.from) params.from = query.from;
    if (query.to) params.to = /^\d{4}-\d{2}-\d{2}$/.test(query.to) ? query.to + 'T23:59:59Z' : query.to;
    params.order = query.order === 'asc' ? 'asc' : 'desc';
    const sorts = SERVER_SORTS[kind];
    const sortKey = Object.keys(sorts).find((k) => sorts[k] === query.sort) || 'id';
    if (sortKey !== 'id') params.sort = sorts[sortKey];
    params.limit = 50;
    if (query.cursor) params.cursor = query.cursor;
    const sig = JSON.stringify(pick(query, FILTERS));
    const stack = cursorHistory.get(sig) || [];

    const resultBox = h('div', { id: 'search-results' }, loading());
    const obsBox = h('div', { id: 'observable-box' });
    replace(main, pageHeader(t('nav.search'), kindTabs), card(null, form, { class: 'filters-card' }), obsBox, resultBox);

    if (query.observable) observableSummary(ctx, query.observable, obsBox);

    let page;
    try {
        page = await get('/api/v1/' + kind, params);
    } catch (e) {
        if (ctx.alive()) replace(resultBox, errorBox(e));
        main.dataset.rendered = 'search';
        return;
    }
    if (!ctx.alive()) return;

    const open = (r) => (location.hash = kind === 'incidents' ? '#/incidents/' + r.id : '#/reports/' + r.id);
    const cols =
        kind === 'incidents'
            ? [
                  { key: 'id', label: '#', num: true, render: (r) => idLink('incident', r.id) },
                  { key: 'title', label: t('col.title'), cls: 'wrap title-col', render: (r) => h('a', { href: '#/incidents/' + r.id }, r.title) },
                  { key: 'state', label: t('col.state'), render: (r) => stateBadge(r.state), sort: (r) => STATE_ORDER.indexOf(r.state) },
                  { key: 'severity', label: t('col.severity'), render: (r) => sevBadge(r.severity), sort: (r) => SEV_ORDER.indexOf(r.severity) },
                  { key: 'tlp', label: 'TLP', render: (r) => tlpBadge(r.tlp), sortable: false },
                  { key: 'rsit_class', label: t('col.class'), render: (r) => classLabel(r.rsit_class, r.rsit_type), sortable: false },
                  { key: 'team', label: t('col.team'), render: (r) => r.team || '—' },
                  { key: 'created_at', label: t('col.created'), num: true, render: (r) => dateTime(r.created_at) },
                  { key: 'updated_at', label: t('col.updated'), num: true, render: (r) => dateTime(r.updated_at) },
              ]
            : [
                  { key: 'id', label: '#', num: true, render: (r) => idLink('report', r.id) },
                  { key: 'subject', label: t('col.subject'), cls: 'wrap title-col', render: (r) => h('a', { href: '#/reports/' + r.id }, r.subject || t('common.noSubject')) },
                  { key: 'state', label: t('col.state'), render: (r) => stateBadge(r.state), sort: (r) => STATE_ORDER.indexOf(r.state) },
                  { key: 'tlp', label: 'TLP', render: (r) => tlpBadge(r.tlp), sortable: false },
                  { key: 'rsit_class', label: t('col.class'), render: (r) => classLabel(r.rsit_class, r.rsit_type), sortable: false },
                  { key: 'source', label: t('col.source'), sortable: false },
                  { key: 'reporter', label: t('col.reporter'), sortable: false },
                  { key: 'incident_id', label: t('col.incident'), num: true, render: (r) => (r.incident_id ? idLink('incident', r.incident_id) : '—'), sortable: false },
                  { key: 'received_at', label: t('col.received'), num: true, render: (r) => dateTime(r.received_at) },
              ];
    /* Every sortable column is the server's order: a click restarts the pages in it. */
    const tbl = table(cols, page.items, {
        onOpen: open,
        sort: { key: sortKey, dir: params.order },
        empty: t('search.noResults'),
        serverSort: {
            keys: Object.keys(sorts),
            fn: (k, dir) => {
                if (k !== sortKey) dir = TEXT_SORTS.includes(sorts[k]) ? 'asc' : 'desc';
                location.hash = '#/search' + buildQuery({ ...pick(query, FILTERS), sort: k === 'id' ? '' : sorts[k], order: dir });
            },
        },
    });

    const prev = h('button', { type: 'button', class: 'btn btn-sm', id: 'page-prev', disabled: !query.cursor }, '← ', t('search.prev'));
    const next = h('button', { type: 'button', class: 'btn btn-sm', id: 'page-next', disabled: !page.next_cursor }, t('search.next'), ' →');
    const goPrev = () => {
        if (!query.cursor) return;
        const back = stack.pop();
        cursorHistory.set(sig, stack);
        location.hash = '#/search' + buildQuery({ ...pick(query, FILTERS), cursor: back || '' });
    };
    const goNext = () => {
        if (!page.next_cursor) return;
        stack.push(query.cursor || '');
        cursorHistory.set(sig, stack);
        location.hash = '#/search' + buildQuery({ ...pick(query, FILTERS), cursor: page.next_cursor });
    };
    prev.addEventListener('click', goPrev);
    next.addEventListener('click', goNext);
    const pageNo = stack.length + (query.cursor ? 1 : 0) + 1;
    replace(
        resultBox,
        card(
            [t('search.' + kind), ' ', h('span', { class: 'count-pill', id: 'result-count' }, num(page.items.length) + (page.next_cursor ? '+' : ''))],
            tbl.el,
            { flush: true, class: 'results', actions: h('div', { class: 'pager' }, h('span', { class: 'muted small' }, t('search.page', { n: pageNo })), prev, next) },
        ),
    );
    main.dataset.rendered = 'search';

    ctx.onKey(
        (ev) => {
            if (tbl.list.key(ev)) return true;
            if (ev.key === 'n') goNext();
            else if (ev.key === 'p') goPrev();
            else if (ev.key === 'f') f.q.focus();
            else return false;
            return true;
        },
        () => [
            ['j / k', t('keys.nextPrev')],
            ['Enter', t('keys.open')],
            ['n / p', t('keys.pages')],
            ['f', t('keys.filters')],
        ],
    );
}

function pick(obj, keys) {
    const o = {};
    for (const k of keys) if (obj[k]) o[k] = obj[k];
    return o;
}

function labelled(text, el) {
    return h('label', { class: 'flt' }, h('span', { class: 'flt-l' }, text), el);
}

async function observableSummary(ctx, value, box) {
    try {
        const a = await get('/api/v1/observables', { value });
        if (!ctx.alive()) return;
        replace(
            box,
            h(
                'div',
                { class: 'obs-summary card' },
                h('span', { class: 'obs-type' }, a.type || '?'),
                h('code', { class: 'obs-val' }, a.value || value),
                h('a', { href: '#/search' + buildQuery({ observable: value }) }, t('search.obsIncidents', { n: (a.incidents || []).length })),
                h('a', { href: '#/search' + buildQuery({ kind: 'reports', observable: value }) }, t('search.obsReports', { n: (a.reports || []).length })),
                (a.incidents || []).slice(0, 8).map((i) => h('a', { href: '#/incidents/' + i.id, class: 'shared-inc', title: i.title }, '#' + i.id, ' ', stateBadge(i.state))),
            ),
        );
    } catch (e) {
        if (ctx.alive()) replace(box, h('div', { class: 'alert alert-warn' }, e.message));
    }
}
