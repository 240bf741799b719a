// SPDX-License-Identifier: MIT
//
// My reports (#/my-reports): the reports the signed-in user submitted (for a reporter,
// GET /api/v1/reports lists only their own; staff see the ones they submitted themselves
// by reporter name), newest first, with cursor paging and their handling state. A click on
// the #, Subject, State or Received header asks the server for that order (sort=), so
// "load more" continues it; TLP and class do not sort.

import { h, replace } from '../dom.js';
import { get } from '../api.js';
import { t, dateTime, num } from '../i18n.js';
import { pageHeader, card, table, loading, stateBadge, tlpBadge, classLabel, idLink } from '../ui.js';

export async function render(ctx) {
    const { main } = ctx;
    replace(main, pageHeader(t('nav.myReports')), loading());
    let items = [];
    let cursor = null;
    /* the server's order: column key -> the API's sort name */
    const SORTS = { id: 'id', subject: 'subject', state: 'state', received_at: 'received' };
    let sortKey = 'id';
    let sortDir = 'desc';
    const box = h('div', { id: 'my-reports' });
    const more = h('button', { type: 'button', class: 'btn btn-sm', id: 'my-more' }, t('common.loadMore'));

    /* each load has a number: a load overtaken by a newer one (a header clicked while it was
       waiting) drops its page, so two orders never mix and the cursor stays the new sort's */
    let gen = 0;
    async function load() {
        /* staff can list every report: keep their own (by user id) */
        const my = ++gen;
        let page;
        do {
            const q = { limit: 100, order: sortDir, cursor };
            if (sortKey !== 'id') q.sort = SORTS[sortKey];
            page = await get('/api/v1/reports', q);
            if (!ctx.alive() || my !== gen) return;
            const mine = ctx.staff ? page.items.filter((r) => r.reporter_id === ctx.user.id) : page.items;
            items = items.concat(mine);
            cursor = page.next_cursor;
        } while (ctx.staff && cursor && items.length < 25);
        draw();
    }
    function draw() {
        const tbl = table(
            [
                { key: 'id', label: '#', num: true, render: (r) => idLink('report', r.id) },
                { key: 'subject', label: t('col.subject'), cls: 'wrap title-col', render: (r) => h('a', { href: '#/reports/' + r.id }, r.subject || t('common.noSubject')) },
                { key: 'state', label: t('col.state'), render: (r) => stateBadge(r.state) },
                { key: 'tlp', label: 'TLP', render: (r) => tlpBadge(r.tlp), sortable: false },
                { key: 'rsit_class', label: t('col.class'), render: (r) => classLabel(r.rsit_class, r.rsit_type), sortable: false },
                { key: 'received_at', label: t('col.received'), num: true, render: (r) => dateTime(r.received_at) },
            ],
            items,
            {
                onOpen: (r) => (location.hash = '#/reports/' + r.id),
                empty: t('my.none'),
                sort: { key: sortKey, dir: sortDir },
                serverSort: {
                    keys: Object.keys(SORTS),
                    fn: (k, dir) => {
                        /* a new column starts A to Z for the subject, newest or first state otherwise */
                        sortDir = k !== sortKey && k === 'subject' ? 'asc' : dir;
                        sortKey = k;
                        items = [];
                        cursor = null;
                        load();
                    },
                },
            },
        );
        more.hidden = !cursor;
        replace(box, card([t('nav.myReports'), ' ', h('span', { class: 'count-pill' }, num(items.length) + (cursor ? '+' : ''))], [tbl.el, h('div', { class: 'card-foot' }, more)], { flush: true, actions: h('a', { class: 'btn btn-sm btn-primary', href: '#/submit' }, t('nav.submit')) }));
        ctx.onKey((ev) => tbl.list.key(ev), () => [['j / k', t('keys.nextPrev')], ['Enter', t('keys.open')]]);
    }
    more.addEventListener('click', () => load());
    await load();
    if (!ctx.alive()) return;
    replace(main, pageHeader(t('nav.myReports')), box);
    main.dataset.rendered = 'my-reports';
}
