// SPDX-License-Identifier: MIT
//
// Vulnerability cases (#/vulns?state=, staff) and "My vulnerability reports" (#/my-vulns,
// the cases the signed-in reporter opened: GET /api/v1/vulns lists only those for a
// reporter). Newest first, cursor paging, a state filter for staff. The list rows carry
// no vendors, so the vendor count of each visible row is filled in from the case itself
// (a few requests at a time, dropped when the user leaves the page).

import { h, replace } from '../dom.js';
import { get } from '../api.js';
import { t, label, num, dateTime } from '../i18n.js';
import { pageHeader, card, table, loading, errorBox } from '../ui.js';
import { VSTATES, vstateBadge, cvssBadge, worstCvss, caseLink, publication } from '../vuln-ui.js';

export async function render(ctx) {
    const { main } = ctx;
    const mine = !ctx.staff || ctx.query.mine === '1' || /my-vulns/.test(location.hash);
    const state = mine ? '' : ctx.query.state || '';
    const title = mine ? t('nav.myVulns') : t('nav.vulns');
    replace(main, pageHeader(title), loading());
    let items = [];
    let cursor = null;
    const counts = new Map();
    const box = h('div', { id: 'vuln-list' });
    const more = h('button', { type: 'button', class: 'btn btn-sm', id: 'vuln-more' }, t('common.loadMore'));

    async function load() {
        const page = await get('/api/v1/vulns', { limit: 50, state, cursor });
        if (!ctx.alive()) return;
        /* staff list every case: "mine" are the ones they opened themselves */
        items = items.concat((page.items || []).filter((v) => !(mine && ctx.staff) || v.created_by === ctx.user.name));
        cursor = page.next_cursor;
        draw();
        if (ctx.staff) fillCounts();
    }

    /* the vendor count of each row, four requests at a time */
    async function fillCounts() {
        const todo = items.filter((v) => !counts.has(v.id));
        for (const v of todo) counts.set(v.id, null);
        const worker = async () => {
            while (todo.length && ctx.alive()) {
                const v = todo.shift();
                try {
                    const full = await get('/api/v1/vulns/' + v.id);
                    counts.set(v.id, (full.vendors || []).length);
                } catch {
                    counts.set(v.id, '?');
                }
                const cell = document.getElementById('vendors-' + v.id);
                if (cell) cell.textContent = String(counts.get(v.id));
            }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
    }

    function draw() {
        const cols = [
            { key: 'public_id', label: t('vuln.id'), render: caseLink, sort: (v) => v.id },
            { key: 'title', label: t('col.title'), cls: 'wrap title-col', render: (v) => h('a', { href: '#/vulns/' + v.id, class: 'vuln-title' }, v.title) },
            { key: 'state', label: t('col.state'), render: (v) => vstateBadge(v.state), sort: (v) => VSTATES.indexOf(v.state) },
        ];
        if (ctx.staff) cols.push({ key: 'vendors', label: t('vuln.vendors'), num: true, sortable: false, render: (v) => h('span', { id: 'vendors-' + v.id, class: 'vendor-count' }, counts.get(v.id) === undefined || counts.get(v.id) === null ? '…' : String(counts.get(v.id))) });
        cols.push(
            { key: 'publish', label: t('vuln.publication'), num: true, render: publication, sort: (v) => v.published_at || v.publish_at || '' },
            { key: 'cvss', label: 'CVSS', render: (v) => cvssBadge(worstCvss(v.cvss)), sort: (v) => (worstCvss(v.cvss) || { score: -1 }).score },
            { key: 'created_at', label: t('col.received'), num: true, render: (v) => dateTime(v.created_at) },
        );
        const tbl = table(cols, items, {
            onOpen: (v) => (location.hash = '#/vulns/' + v.id),
            empty: mine ? t('vuln.noneMine') : t('vuln.none'),
            sort: { key: 'public_id', dir: 'desc' },
        });
        more.hidden = !cursor;
        const tabs = mine
            ? null
            : h(
                  'div',
                  { class: 'tabs vuln-tabs', role: 'tablist', id: 'vuln-states' },
                  ['', ...VSTATES].map((s) => h('a', { class: ['tab', s === state ? 'active' : null], role: 'tab', href: '#/vulns' + (s ? '?state=' + s : ''), 'aria-selected': s === state ? 'true' : 'false', dataset: { state: s } }, s ? label('vstate', s) : t('vuln.allStates'))),
              );
        replace(
            box,
            tabs ? h('div', { class: 'vuln-filter' }, tabs) : null,
            card([title, ' ', h('span', { class: 'count-pill' }, num(items.length) + (cursor ? '+' : ''))], [tbl.el, h('div', { class: 'card-foot' }, more)], {
                flush: true,
                actions: h('a', { class: 'btn btn-sm btn-primary', href: '#/vuln-report', id: 'vuln-new' }, ctx.staff ? t('vuln.new') : t('nav.vulnReport')),
            }),
        );
        ctx.onKey((ev) => tbl.list.key(ev), () => [['j / k', t('keys.nextPrev')], ['Enter', t('keys.open')]]);
    }
    more.addEventListener('click', () => load().catch((e) => replace(box, errorBox(e))));
    try {
        await load();
    } catch (e) {
        if (ctx.alive()) replace(main, pageHeader(title), errorBox(e));
        return;
    }
    if (!ctx.alive()) return;
    replace(main, pageHeader(title), box);
    main.dataset.rendered = mine ? 'my-vulns' : 'vulns';
}
