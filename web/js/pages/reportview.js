// SPDX-License-Identifier: MIT
//
// One report (#/reports/N): subject, text, observables, state, classification and, for
// staff, the incident it belongs to and a link to triage it. Reporters see their own.

import { h, replace } from '../dom.js';
import { get } from '../api.js';
import { t, dateTime } from '../i18n.js';
import { card, loading, errorBox, stateBadge, tlpBadge, classLabel, idLink, kv } from '../ui.js';

export async function render(ctx) {
    const { main } = ctx;
    replace(main, loading());
    let r;
    try {
        r = await get('/api/v1/reports/' + Number(ctx.params[0]));
    } catch (e) {
        if (ctx.alive()) replace(main, errorBox(e));
        return;
    }
    if (!ctx.alive()) return;
    ctx.setTitle(t('rv.report') + ' #' + r.id);
    const obs = (r.observables || []).map((o) =>
        h('li', { class: 'obs' }, h('span', { class: 'obs-type' }, o.type), ctx.staff ? h('a', { class: 'obs-val mono', href: '#/search?observable=' + encodeURIComponent(o.value) }, o.value) : h('span', { class: 'obs-val mono' }, o.value)),
    );
    replace(
        main,
        h('nav', { class: 'crumbs', 'aria-label': 'breadcrumb' }, h('a', { href: ctx.staff ? '#/search?kind=reports' : '#/my-reports' }, ctx.staff ? t('search.reports') : t('nav.myReports')), ' / ', '#' + r.id),
        h(
            'div',
            { class: 'inc-head card' },
            h('div', { class: 'inc-title-row' }, h('div', null, h('div', { class: 'inc-id mono muted' }, t('rv.report') + ' #' + r.id), h('h1', { class: 'inc-title', id: 'rv-subject' }, r.subject || t('common.noSubject'))), ctx.staff && r.state === 'new' ? h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: '#/queue?report=' + r.id }, t('rv.triage'))) : null),
            h('div', { class: 'inc-badges' }, stateBadge(r.state), tlpBadge(r.tlp), classLabel(r.rsit_class, r.rsit_type)),
        ),
        h(
            'div',
            { class: 'inc-grid' },
            h('div', { class: 'inc-col' }, card(t('rv.content'), h('pre', { class: 'content', id: 'rv-content' }, r.content))),
            h(
                'div',
                { class: 'inc-col' },
                card(t('inc.details'), kv([
                    [t('col.source'), r.source],
                    [t('col.reporter'), r.reporter],
                    [t('col.received'), dateTime(r.received_at)],
                    [t('col.updated'), dateTime(r.updated_at)],
                    r.duplicates ? [t('rv.duplicates'), String(r.duplicates)] : null,
                    ctx.staff ? [t('col.incident'), r.incident_id ? idLink('incident', r.incident_id) : '—'] : null,
                    ctx.staff && r.correlation ? [t('queue.correlation'), r.correlation.reason] : null,
                ])),
                card([t('inc.observables'), ' ', h('span', { class: 'count-pill' }, obs.length)], obs.length ? h('ul', { class: 'obs-list' }, obs) : h('div', { class: 'empty' }, t('common.none'))),
            ),
        ),
    );
    main.dataset.rendered = 'report-view';
}
