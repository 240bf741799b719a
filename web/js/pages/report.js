// SPDX-License-Identifier: MIT
//
// The management report (#/report?from=&to=): one print-ready page with the period's key
// figures (reports, incidents, time to first response and to resolution, SLA
// compliance), the yearly report chart, incidents per month by class, the class / team /
// source tables and the current open workload. "Print / PDF" calls the browser's print;
// css/print.css drops the navigation and keeps tables and charts whole on paper.

import { h, replace, buildQuery } from '../dom.js';
import { get } from '../api.js';
import { t, label, num, dayLabel, dateTime, getLang } from '../i18n.js';
import { loading, errorBox, stateBadge, sevBadge, idLink, table } from '../ui.js';
import { kpis, groupTable, chartUrl } from './stats.js';

function isoDay(d) {
    return d.toISOString().slice(0, 10);
}

function periods() {
    const now = new Date();
    const y = now.getUTCFullYear();
    const yearAgo = new Date(now.getTime() - 365 * 86400000);
    return [
        ['report.last12', { from: isoDay(yearAgo), to: isoDay(now) }],
        ['report.thisYear', { from: `${y}-01-01`, to: `${y}-12-31` }],
        ['report.lastYear', { from: `${y - 1}-01-01`, to: `${y - 1}-12-31` }],
        ['report.allTime', { from: '', to: '' }],
    ];
}

export async function render(ctx) {
    const { main, query } = ctx;
    const defaults = periods()[0][1];
    const all = query.period === 'all';
    const explicit = query.from !== undefined || query.to !== undefined;
    const from = all ? '' : explicit ? query.from || '' : defaults.from;
    const to = all ? '' : explicit ? query.to || '' : defaults.to;
    const range = { from, to: to && /^\d{4}-\d{2}-\d{2}$/.test(to) ? to + 'T23:59:59Z' : to };
    replace(main, loading());

    const [sum, dash] = await Promise.all([get('/api/v1/stats/summary', range).catch((e) => e), get('/api/v1/dashboard').catch((e) => e)]);
    if (!ctx.alive()) return;

    const printBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'print-report' }, t('report.print'));
    printBtn.addEventListener('click', () => window.print());
    const toolbar = h(
        'div',
        { class: 'report-toolbar no-print' },
        h('div', { class: 'presets' }, periods().map(([k, v]) => h('a', { class: ['btn', 'btn-sm', v.from === from && v.to === to ? 'btn-on' : null], href: '#/report' + buildQuery(v.from || v.to ? v : { period: 'all' }) }, t(k)))),
        h('span', { class: 'spacer' }),
        printBtn,
    );

    const periodText = from || to ? `${from ? dayLabel(from) : '…'} – ${to ? dayLabel(to) : '…'}` : t('report.allTime');
    const yearly = { object: 'reports', by: 'year', group: 'none', type: 'bar', from: '', to: '' };
    const monthly = { object: 'incidents', by: 'month', group: 'class', type: 'bar', from, to: range.to };
    const yearlyTitle = t('report.yearlyChart');
    const monthlyTitle = t('report.monthlyChart');

    const section = (title, ...body) => h('section', { class: 'rp-sec' }, h('h2', null, title), body);
    let open = null;
    if (!(dash instanceof Error)) {
        const byState = dash.open_by_state || {};
        open = section(
            t('report.workload'),
            h(
                'div',
                { class: 'rp-two' },
                h('table', { class: 'tbl tbl-compact' }, h('thead', null, h('tr', null, h('th', null, t('col.state')), h('th', { class: 'num' }, t('report.count')))), h('tbody', null, ['new', 'triage', 'analysis', 'mitigation'].map((s) => h('tr', null, h('td', null, stateBadge(s)), h('td', { class: 'num' }, num(byState[s] || 0)))))),
                h('table', { class: 'tbl tbl-compact' }, h('thead', null, h('tr', null, h('th', null, t('col.severity')), h('th', { class: 'num' }, t('report.count')))), h('tbody', null, ['critical', 'high', 'medium', 'low'].map((s) => h('tr', null, h('td', null, sevBadge(s)), h('td', { class: 'num' }, num((dash.open_by_severity || {})[s] || 0)))))),
            ),
            (dash.sla_breaches || []).length
                ? [
                      h('h3', null, t('dash.slaBreaches'), ' (', num(dash.sla_breach_count || 0), ')'),
                      table(
                          [
                              { key: 'id', label: '#', num: true, render: (r) => idLink('incident', r.id) },
                              { key: 'title', label: t('col.title'), cls: 'wrap' },
                              { key: 'severity', label: t('col.severity'), render: (r) => sevBadge(r.severity) },
                              { key: 'state', label: t('col.state'), render: (r) => stateBadge(r.state) },
                              { key: 'team', label: t('col.team'), render: (r) => r.team || '—' },
                              { key: 'created_at', label: t('col.created'), num: true, render: (r) => dateTime(r.created_at) },
                          ],
                          (dash.sla_breaches || []).slice(0, 10),
                          { class: 'tbl-compact', sortable: false },
                      ).el,
                  ]
                : null,
        );
    }

    const doc = h(
        'article',
        { class: 'report-doc', id: 'report-doc' },
        h(
            'header',
            { class: 'rp-head' },
            h('div', { class: 'rp-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-ja', lang: 'ja' }, '火消し'), ' hikeshi'),
            h('h1', null, t('report.title')),
            h('div', { class: 'rp-meta' }, h('span', null, t('report.period') + ': ', h('b', { id: 'report-period' }, periodText)), h('span', null, t('report.generated') + ': ' + dateTime(new Date().toISOString())), h('span', null, t('report.by') + ': ' + ctx.user.name)),
        ),
        sum instanceof Error ? errorBox(sum) : section(t('report.keyFigures'), kpis(sum)),
        /* the charts carry their own titles */
        h('section', { class: 'rp-sec rp-chart' }, h('img', { class: 'chart-img', id: 'report-yearly', alt: yearlyTitle, src: chartUrl(yearly, yearlyTitle) })),
        h('section', { class: 'rp-sec rp-chart' }, h('img', { class: 'chart-img', id: 'report-monthly', alt: monthlyTitle, src: chartUrl(monthly, monthlyTitle) })),
        sum instanceof Error
            ? null
            : section(
                  t('report.breakdown'),
                  h('div', { class: 'rp-three' },
                      h('div', null, h('h3', null, t('stats.byClass')), groupTable(sum.by_class, 'class', (v) => label('class', v))),
                      h('div', null, h('h3', null, t('stats.byTeam')), groupTable(sum.by_team, 'team', (v) => v || t('common.noTeam'))),
                      h('div', null, h('h3', null, t('stats.bySource')), groupTable(sum.by_source, 'source')),
                  ),
              ),
        open,
        h('footer', { class: 'rp-foot' }, t('report.footer', { lang: getLang() })),
    );
    replace(main, toolbar, doc);
    ctx.setTitle(t('report.title'));
    main.dataset.rendered = 'report';
}
