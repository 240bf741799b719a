// SPDX-License-Identifier: MIT
//
// Assets (#/assets?team=NAME): the CPE 2.3 names and package URLs a team registered for
// early warning (GET /api/v1/assets?team=), add one (POST /api/v1/assets with team, cpe or
// purl, version, label; the server normalises it) and remove one (DELETE).

import { h, replace } from '../dom.js';
import { api, get, post } from '../api.js';
import { t, num, dateTime } from '../i18n.js';
import { pageHeader, card, table, loading, errorBox, toast } from '../ui.js';

export async function render(ctx) {
    const { main } = ctx;
    replace(main, pageHeader(t('nav.assets')), loading());
    let teams;
    try {
        const r = await get('/api/v1/teams');
        teams = (r.teams || r.items || []).filter((x) => x.name).sort((a, b) => a.name.localeCompare(b.name));
    } catch (e) {
        if (ctx.alive()) replace(main, pageHeader(t('nav.assets')), errorBox(e));
        return;
    }
    if (!ctx.alive()) return;
    const team = ctx.query.team && teams.some((x) => x.name === ctx.query.team) ? ctx.query.team : '';
    const teamSel = h('select', { id: 'asset-team', class: 'asset-team-sel', 'aria-label': t('col.team') }, h('option', { value: '' }, t('asset.allTeams')), teams.map((x) => h('option', { value: x.name, selected: x.name === team }, x.name + (x.full_name && x.full_name !== x.name ? ' — ' + x.full_name : ''))));
    teamSel.addEventListener('change', () => (location.hash = '#/assets' + (teamSel.value ? '?team=' + encodeURIComponent(teamSel.value) : '')));

    let items = [];
    let cursor = null;
    const listBox = h('div', { id: 'asset-list' }, loading());
    const more = h('button', { type: 'button', class: 'btn btn-sm', id: 'asset-more' }, t('common.loadMore'));
    async function load() {
        const page = await get('/api/v1/assets', { team, limit: 200, cursor });
        if (!ctx.alive()) return;
        items = items.concat(page.items || []);
        cursor = page.next_cursor;
        draw();
    }
    function draw() {
        const tbl = table(
            [
                { key: 'team', label: t('col.team') },
                { key: 'kind', label: t('asset.kind'), render: (a) => h('span', { class: 'obs-type' }, a.kind === 'purl' ? 'purl' : 'CPE') },
                { key: 'name', label: t('asset.name'), cls: 'wrap', render: (a) => h('span', { class: 'mono small asset-name' }, a.name) },
                { key: 'version', label: t('asset.version') },
                { key: 'label', label: t('asset.label'), cls: 'wrap' },
                { key: 'created_at', label: t('col.created'), num: true, render: (a) => dateTime(a.created_at) },
                {
                    key: 'rm',
                    label: '',
                    sortable: false,
                    render: (a) => {
                        const b = h('button', { type: 'button', class: 'btn btn-sm btn-ghost asset-remove', dataset: { asset: a.id } }, t('vuln.remove'));
                        b.addEventListener('click', async () => {
                            b.disabled = true;
                            try {
                                await api('DELETE', '/api/v1/assets/' + a.id);
                                items = items.filter((x) => x.id !== a.id);
                                toast(t('asset.removed'), 'ok');
                                draw();
                            } catch (e) {
                                toast(e.message, 'err');
                                b.disabled = false;
                            }
                        });
                        return b;
                    },
                },
            ],
            items,
            { class: 'tbl-compact', empty: t('asset.none'), sort: { key: 'created_at', dir: 'desc' } },
        );
        more.hidden = !cursor;
        replace(listBox, tbl.el, h('div', { class: 'card-foot' }, more));
        const pill = document.getElementById('asset-count');
        if (pill) pill.textContent = num(items.length) + (cursor ? '+' : '');
    }

    /* add: one identifier field, a CPE 2.3 name or a package URL (told apart by prefix) */
    const addTeam = h('select', { id: 'asset-add-team', 'aria-label': t('col.team') }, h('option', { value: '' }, t('asset.chooseTeam')), teams.map((x) => h('option', { value: x.name, selected: x.name === team }, x.name)));
    const ident = h('input', { id: 'asset-ident', class: 'mono', placeholder: t('asset.identPh'), spellcheck: 'false' });
    const ver = h('input', { id: 'asset-version', class: 'w-10', placeholder: t('asset.version') });
    const lab = h('input', { id: 'asset-label', class: 'w-12', placeholder: t('asset.label') });
    const form = h('form', { class: 'row-form wrap-form', id: 'asset-form' }, addTeam, ident, ver, lab, h('button', { type: 'submit', class: 'btn btn-primary', id: 'asset-add' }, t('asset.add')));
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!addTeam.value) return addTeam.focus();
        const id = ident.value.trim();
        if (!id) return ident.focus();
        const body = { team: addTeam.value };
        if (/^pkg:/i.test(id)) body.purl = id;
        else body.cpe = id;
        if (ver.value.trim()) body.version = ver.value.trim();
        if (lab.value.trim()) body.label = lab.value.trim();
        try {
            const a = await post('/api/v1/assets', body);
            if (!ctx.alive()) return;
            if (!team || a.team === team) items.unshift(a);
            toast(t('asset.added', { name: a.name }), 'ok');
            ident.value = '';
            ver.value = '';
            lab.value = '';
            draw();
        } catch (e) {
            toast(e.message, 'err');
        }
    });

    replace(
        main,
        pageHeader(t('nav.assets'), teamSel),
        card(t('asset.addTitle'), [form, h('p', { class: 'hint' }, t('asset.hint'))], { class: 'asset-add' }),
        card([t('nav.assets'), ' ', h('span', { class: 'count-pill', id: 'asset-count' }, '…')], listBox, { flush: true }),
    );
    try {
        await load();
    } catch (e) {
        if (ctx.alive()) replace(listBox, errorBox(e));
        return;
    }
    if (!ctx.alive()) return;
    main.dataset.rendered = 'assets';
}
