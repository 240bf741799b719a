// SPDX-License-Identifier: MIT
//
// Statistics (#/stats?object=&by=&group=&type=&from=&to=): reports or incidents per
// year / month / week, by RSIT class, team or source, as the server-rendered SVG chart
// (GET /api/v1/stats/chart.svg: the same bytes `hikeshi stats --svg` writes) with its data
// table; mean and median time to first response and to resolution; SLA compliance; the
// class/team/source tables. Every table has a CSV download (format=csv).

import { h, replace, buildQuery } from '../dom.js';
import { get, url } from '../api.js';
import { t, label, num, percent, duration, getLang } from '../i18n.js';
import { card, loading, errorBox, pageHeader, table, empty } from '../ui.js';

const PRESETS = [
    ['stats.presetYearly', { object: 'reports', by: 'year', group: 'none', type: 'bar' }],
    ['stats.presetMonthlyClass', { object: 'incidents', by: 'month', group: 'class', type: 'bar' }],
    ['stats.presetWeeklyTeam', { object: 'incidents', by: 'week', group: 'team', type: 'line' }],
    ['stats.presetSource', { object: 'reports', by: 'month', group: 'source', type: 'line' }],
];

export function chartParams(q) {
    return {
        object: q.object === 'incidents' ? 'incidents' : 'reports',
        by: ['year', 'month', 'week', 'day'].includes(q.by) ? q.by : 'year',
        group: ['none', 'class', 'team', 'source'].includes(q.group) ? q.group : 'none',
        type: q.type === 'line' ? 'line' : 'bar',
        from: q.from || '',
        to: q.to || '',
    };
}

function radio(name, values, current, render) {
    return h(
        'div',
        { class: 'seg', role: 'radiogroup', 'aria-label': t('stats.' + name) },
        values.map((v) => {
            const id = `st-${name}-${v}`;
            return h('span', { class: 'seg-item' }, h('input', { type: 'radio', name, id, value: v, checked: v === current }), h('label', { for: id, class: 'seg-label' }, render(v)));
        }),
    );
}

/* Summary KPI tiles (shared with the management report). */
export function kpis(sum) {
    const ttf = sum.time_to_first_response || {};
    const ttr = sum.time_to_resolution || {};
    const sla = sum.sla || {};
    const tile = (id, v, l, sub) => h('div', { class: 'tile', id }, h('div', { class: 'tile-v num' }, v), h('div', { class: 'tile-l' }, l), sub ? h('div', { class: 'tile-sub' }, sub) : null);
    return h(
        'div',
        { class: 'tiles tiles-6' },
        tile('kpi-reports', num(sum.reports), t('stats.reports')),
        tile('kpi-incidents', num(sum.incidents), t('stats.incidents')),
        tile('kpi-ttf', duration(ttf.mean_s), t('stats.ttfMean'), [t('stats.median') + ' ', h('b', { id: 'kpi-ttf-median' }, duration(ttf.median_s)), ' · n=', h('span', { id: 'kpi-ttf-n' }, num(ttf.n || 0))]),
        tile('kpi-ttr', duration(ttr.mean_s), t('stats.ttrMean'), [t('stats.median') + ' ', h('b', { id: 'kpi-ttr-median' }, duration(ttr.median_s)), ' · n=', h('span', { id: 'kpi-ttr-n' }, num(ttr.n || 0))]),
        tile('kpi-sla', sla.met + sla.breached ? percent(sla.compliance) : '—', t('stats.slaCompliance'), t('stats.slaDetail', { met: num(sla.met || 0), breached: num(sla.breached || 0) })),
    );
}

/* The by_class / by_team / by_source tables. */
export function groupTable(rows, key, labelFn) {
    const list = (rows || []).map((r) => ({ ...r, name: r[key] }));
    const has = (k) => list.some((r) => typeof r[k] === 'number');
    const cols = [{ key: 'name', label: t('stats.g.' + key), render: (r) => groupName(r.name, labelFn) }];
    if (has('reports') || !list.length) cols.push({ key: 'reports', label: t('stats.reports'), num: true, render: (r) => num(r.reports) });
    if (has('incidents') || !list.length) cols.push({ key: 'incidents', label: t('stats.incidents'), num: true, render: (r) => num(r.incidents) });
    return table(cols, list, { class: 'tbl-compact', sort: { key: cols[1].key, dir: 'desc' }, empty: t('common.none') }).el;
}

/* The server names the rows without a value "(unclassified)" / "(none)". */
function groupName(v, labelFn) {
    if (v === '(unclassified)') return h('span', { class: 'muted' }, t('common.unclassified'));
    if (v === '(none)' || v === '') return h('span', { class: 'muted' }, t('common.noTeam'));
    return labelFn ? labelFn(v) : v || '—';
}

export function chartUrl(p, title) {
    return url('/api/v1/stats/chart.svg', { object: p.object, by: p.by, group: p.group, type: p.type, from: p.from, to: p.to, lang: getLang(), title });
}

export function chartTitle(p) {
    return t('stats.chartTitle', { object: t('stats.' + p.object), by: t('stats.by.' + p.by) }) + (p.group !== 'none' ? ' · ' + t('stats.g.' + p.group) : '');
}

export async function render(ctx) {
    const { main, query } = ctx;
    const p = chartParams(query);
    const go = (over) => (location.hash = '#/stats' + buildQuery({ ...p, ...over }));

    const controls = h(
        'form',
        { class: 'stats-controls', id: 'stats-form' },
        h('div', { class: 'ctl' }, h('span', { class: 'flt-l' }, t('stats.object')), radio('object', ['reports', 'incidents'], p.object, (v) => t('stats.' + v))),
        h('div', { class: 'ctl' }, h('span', { class: 'flt-l' }, t('stats.period')), radio('by', ['year', 'month', 'week'], p.by, (v) => t('stats.by.' + v))),
        h('div', { class: 'ctl' }, h('span', { class: 'flt-l' }, t('stats.group')), radio('group', ['none', 'class', 'team', 'source'], p.group, (v) => t('stats.g.' + v))),
        h('div', { class: 'ctl' }, h('span', { class: 'flt-l' }, t('stats.chartType')), radio('type', ['bar', 'line'], p.type, (v) => t('stats.type.' + v))),
        h('label', { class: 'flt' }, h('span', { class: 'flt-l' }, t('search.from')), h('input', { type: 'date', name: 'from', id: 'st-from', value: p.from })),
        h('label', { class: 'flt' }, h('span', { class: 'flt-l' }, t('search.to')), h('input', { type: 'date', name: 'to', id: 'st-to', value: p.to })),
    );
    controls.addEventListener('change', () => {
        const fd = new FormData(controls);
        go(Object.fromEntries(fd.entries()));
    });
    const presets = h(
        'div',
        { class: 'presets' },
        PRESETS.map(([k, v]) => h('a', { class: ['btn', 'btn-sm', sameChart(p, v) ? 'btn-on' : null], href: '#/stats' + buildQuery({ ...v, from: p.from, to: p.to }) }, t(k))),
    );

    const title = chartTitle(p);
    const img = h('img', { class: 'chart-img', id: 'stats-chart', alt: title, src: chartUrl(p, title) });
    const chartBox = h('div', { class: 'chart-box' }, img);
    img.addEventListener('error', () => replace(chartBox, h('div', { class: 'alert alert-err' }, t('stats.chartFailed'))));
    const seriesBox = h('div', { id: 'stats-series' }, loading());
    const summaryBox = h('div', { id: 'stats-summary' }, loading());
    const range = { from: p.from, to: p.to };

    const groupsBox = h('div', { id: 'stats-groups' });
    replace(
        main,
        pageHeader(t('nav.stats'), h('a', { class: 'btn btn-sm', href: '#/report' + buildQuery(range), id: 'to-report' }, t('stats.mgmtReport'))),
        summaryBox,
        card(title, [controls, presets, chartBox], {
            class: 'stats-chart',
            actions: [h('a', { class: 'btn btn-sm', href: chartUrl(p, title), download: `hikeshi-${p.object}-${p.by}.svg` }, 'SVG')],
        }),
        groupsBox,
        seriesBox,
    );

    const [series, sum] = await Promise.all([
        get('/api/v1/stats/series', { object: p.object, by: p.by, group: p.group, from: p.from, to: p.to }).catch((e) => e),
        get('/api/v1/stats/summary', range).catch((e) => e),
    ]);
    if (!ctx.alive()) return;

    if (sum instanceof Error) replace(summaryBox, errorBox(sum));
    else {
        const csv = url('/api/v1/stats/summary', { ...range, format: 'csv' });
        const csvLink = () => h('a', { class: 'btn btn-sm', href: csv, download: 'hikeshi-summary.csv' }, 'CSV');
        replace(summaryBox, kpis(sum));
        replace(
            groupsBox,
            h(
                'div',
                { class: 'grid-3' },
                card(t('stats.byClass'), groupTable(sum.by_class, 'class', (v) => label('class', v)), { flush: true, actions: csvLink(), class: 'by-class' }),
                card(t('stats.byTeam'), groupTable(sum.by_team, 'team', (v) => v || t('common.noTeam')), { flush: true, actions: csvLink(), class: 'by-team' }),
                card(t('stats.bySource'), groupTable(sum.by_source, 'source'), { flush: true, actions: csvLink(), class: 'by-source' }),
            ),
        );
    }

    if (series instanceof Error) replace(seriesBox, errorBox(series));
    else replace(seriesBox, seriesCard(series, p));
    main.dataset.rendered = 'stats';
}

function sameChart(a, b) {
    return a.object === b.object && a.by === b.by && a.group === b.group && a.type === b.type;
}

/* The chart's numbers as a table (buckets as rows, series as columns), newest first. */
export function seriesCard(series, p) {
    const names = (series.series || []).map((x) => x.name);
    const rows = (series.buckets || []).map((b, i) => {
        const r = { bucket: b, total: 0 };
        (series.series || []).forEach((x, j) => {
            r['s' + j] = x.values[i] || 0;
            r.total += x.values[i] || 0;
        });
        return r;
    });
    const cols = [{ key: 'bucket', label: t('stats.bucket'), cls: 'mono' }];
    names.forEach((n, j) => cols.push({ key: 's' + j, label: n === 'total' ? t('stats.total') : p.group === 'class' ? label('class', n) : n || '—', num: true, render: (r) => num(r['s' + j]) }));
    if (names.length > 1) cols.push({ key: 'total', label: t('stats.total'), num: true, render: (r) => h('b', null, num(r.total)) });
    const csv = url('/api/v1/stats/series', { object: p.object, by: p.by, group: p.group, from: p.from, to: p.to, format: 'csv' });
    return card(
        t('stats.data'),
        rows.length ? h('div', { class: 'scroll-x' }, table(cols, rows, { class: 'tbl-compact', sort: { key: 'bucket', dir: 'desc' } }).el) : empty(t('stats.noData')),
        { flush: true, class: 'series-card', actions: h('a', { class: 'btn btn-sm', href: csv, download: `hikeshi-${p.object}-${p.by}-${p.group}.csv`, id: 'series-csv' }, 'CSV') },
    );
}
