// SPDX-License-Identifier: MIT
//
// Advisories (#/advisories): the published (ours) and imported CSAF advisories of GET
// /api/v1/advisories, newest first, with the case they came from, the early-warning
// figures and links: the public HTML page and CSAF JSON of our own advisories (provider
// directory, docs/advisories.md), the source URL of imported ones, the API record.

import { h, replace } from '../dom.js';
import { get } from '../api.js';
import { t, label, num, dateTime } from '../i18n.js';
import { pageHeader, card, table, loading, errorBox, tlpBadge } from '../ui.js';
import { advisoryPaths } from '../vuln-ui.js';

export async function render(ctx) {
    const { main } = ctx;
    replace(main, pageHeader(t('nav.advisories')), loading());
    let items = [];
    let cursor = null;
    const box = h('div', { id: 'advisory-list' });
    const more = h('button', { type: 'button', class: 'btn btn-sm', id: 'adv-more' }, t('common.loadMore'));
    const link = (href, text, cls) => h('a', { href, class: ['adv-link', cls], target: '_blank', rel: 'noopener noreferrer' }, text);

    async function load() {
        const page = await get('/api/v1/advisories', { limit: 100, cursor });
        if (!ctx.alive()) return;
        items = items.concat(page.items || []);
        cursor = page.next_cursor;
        draw();
    }
    function draw() {
        const tbl = table(
            [
                { key: 'tracking_id', label: t('adv.tracking'), render: (a) => h('span', { class: 'mono' }, a.tracking_id, a.version ? h('span', { class: 'muted small' }, ' v' + a.version) : null) },
                { key: 'title', label: t('col.title'), cls: 'wrap title-col', render: (a) => h('span', { class: 'adv-title-cell' }, a.title || '—') },
                { key: 'origin', label: t('adv.origin'), render: (a) => h('span', { class: 'badge adv-origin adv-' + a.origin }, label('origin', a.origin)) },
                { key: 'tlp', label: 'TLP', render: (a) => tlpBadge(a.tlp) },
                { key: 'case_id', label: t('adv.case'), render: (a) => (a.case_id ? h('a', { href: '#/vulns/' + a.case_id, class: 'id-link' }, a.origin === 'own' ? a.tracking_id : '#' + a.case_id) : '—') },
                { key: 'warned_teams', label: t('adv.warned'), num: true, render: (a) => num(a.warned_teams || 0) + ' / ' + num(a.matches || 0) },
                { key: 'current_release_date', label: t('adv.released'), num: true, render: (a) => dateTime(a.current_release_date || a.published_at) },
                {
                    key: 'links',
                    label: t('adv.links'),
                    sortable: false,
                    render: (a) => {
                        const p = advisoryPaths(a);
                        return h('span', { class: 'adv-links' }, p.html ? link(p.html, 'HTML', 'adv-html') : null, p.json ? link(p.json, 'CSAF', 'adv-json') : null, a.source_url && /^https?:\/\//i.test(a.source_url) ? link(a.source_url, t('adv.source'), 'adv-src') : null, link(p.api, 'API', 'adv-api'));
                    },
                },
            ],
            items,
            { empty: t('adv.none'), sort: { key: 'current_release_date', dir: 'desc' } },
        );
        more.hidden = !cursor;
        replace(
            box,
            card([t('nav.advisories'), ' ', h('span', { class: 'count-pill' }, num(items.length) + (cursor ? '+' : ''))], [tbl.el, h('div', { class: 'card-foot' }, more)], {
                flush: true,
                actions: [h('a', { class: 'btn btn-sm btn-ghost', href: '/advisories/feed.atom', target: '_blank', rel: 'noopener' }, t('adv.feed')), h('a', { class: 'btn btn-sm btn-ghost', href: '/.well-known/csaf/provider-metadata.json', target: '_blank', rel: 'noopener' }, t('adv.provider'))],
            }),
            h('p', { class: 'hint' }, t('adv.hint')),
        );
    }
    more.addEventListener('click', () => load().catch((e) => replace(box, errorBox(e))));
    try {
        await load();
    } catch (e) {
        if (ctx.alive()) replace(main, pageHeader(t('nav.advisories')), errorBox(e));
        return;
    }
    if (!ctx.alive()) return;
    replace(main, pageHeader(t('nav.advisories')), box);
    main.dataset.rendered = 'advisories';
}
