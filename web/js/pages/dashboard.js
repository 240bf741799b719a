// SPDX-License-Identifier: MIT
//
// Dashboard (#/dashboard): open incidents by state, severity and owning team, SLA
// breaches, the newest reports waiting for triage and incidents per day over the last 30
// days, all from one call (GET /api/v1/dashboard). The daily chart is drawn here as SVG
// from the JSON with DOM methods (localised labels, hover titles, no markup strings).

import { h, s, replace } from '../dom.js';
import { dashboardData } from '../api.js';
import { t, num, dayLabel, ago, getLang } from '../i18n.js';
import { card, stateBadge, sevBadge, idLink, table, loading, barList, pageHeader, empty, tlpBadge } from '../ui.js';

const STATES = ['new', 'triage', 'analysis', 'mitigation'];
const SEVS = ['critical', 'high', 'medium', 'low'];

function tile(id, value, text, cls, href) {
    const inner = [h('div', { class: 'tile-v num' }, num(value)), h('div', { class: 'tile-l' }, text)];
    return href
        ? h('a', { class: ['tile', cls], href, id }, inner)
        : h('div', { class: ['tile', cls], id }, inner);
}

/* Bars for [{day, count}], oldest first. */
export function dailyChart(days) {
    const W = 900, H = 170, L = 34, R = 8, T = 10, B = 26;
    const max = Math.max(1, ...days.map((d) => d.count));
    const step = niceStep(max);
    const top = Math.ceil(max / step) * step;
    const n = Math.max(1, days.length);
    const bw = (W - L - R) / n;
    const y = (v) => T + (H - T - B) * (1 - v / top);
    const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('dash.perDay') });
    for (let v = 0; v <= top; v += step) {
        svg.appendChild(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }));
        svg.appendChild(s('text', { x: L - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, num(v)));
    }
    const dayFmt = new Intl.DateTimeFormat(getLang() === 'ja' ? 'ja-JP' : 'en-GB', { month: 'numeric', day: 'numeric', timeZone: 'UTC' });
    days.forEach((d, i) => {
        const x = L + i * bw;
        const when = dayFmt.format(new Date(d.day + 'T00:00:00Z'));
        const bar = s('rect', {
            x: (x + bw * 0.15).toFixed(1),
            y: y(d.count).toFixed(1),
            width: (bw * 0.7).toFixed(1),
            height: Math.max(0, y(0) - y(d.count)).toFixed(1),
            class: 'bar',
        }, s('title', null, `${when}: ${num(d.count)}`));
        svg.appendChild(bar);
        if (i % 5 === 0 || i === days.length - 1) {
            svg.appendChild(s('text', { x: (x + bw / 2).toFixed(1), y: H - 8, class: 'tick', 'text-anchor': 'middle' }, when));
        }
    });
    return svg;
}

export function niceStep(max) {
    const raw = max / 4;
    const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return Math.max(1, m * p);
    return Math.max(1, 10 * p);
}

export async function render(ctx) {
    const { main } = ctx;
    const t0 = performance.now();
    replace(main, pageHeader(t('nav.dashboard')), loading());
    const d = await dashboardData(1000);
    if (!ctx.alive()) return;

    const byState = d.open_by_state || {};
    const bySev = d.open_by_severity || {};
    const openTotal = STATES.reduce((a, k) => a + (byState[k] || 0), 0);
    const days = d.incidents_per_day || [];
    const last7 = days.slice(-7).reduce((a, x) => a + x.count, 0);

    const tiles = h(
        'div',
        { class: 'tiles' },
        tile('tile-open', openTotal, t('dash.openIncidents'), null, '#/search?state=open'),
        tile('tile-queue', d.triage_queue_count || 0, t('dash.awaitingTriage'), (d.triage_queue_count || 0) > 0 ? 'tile-warn' : null, '#/queue'),
        tile('tile-sla', d.sla_breach_count || 0, t('dash.slaBreaches'), (d.sla_breach_count || 0) > 0 ? 'tile-bad' : 'tile-good'),
        tile('tile-week', last7, t('dash.last7')),
    );

    const stateBars = barList(
        STATES.map((k) => ({ label: stateBadge(k), value: byState[k] || 0, cls: 'st-fill-' + k, href: '#/search?state=' + k })),
    );
    const sevBars = barList(
        SEVS.map((k) => ({ label: sevBadge(k), value: bySev[k] || 0, cls: 'sev-fill-' + k, href: '#/search?state=open&severity=' + k })),
    );
    const teams = (d.open_by_team || []).slice().sort((a, b) => b.count - a.count);
    const teamBars = teams.length
        ? barList(teams.slice(0, 8).map((x) => ({ label: x.team || t('common.noTeam'), value: x.count, cls: 'team-fill', href: x.team ? '#/search?state=open&team=' + encodeURIComponent(x.team) : null })))
        : empty(t('dash.noOpen'));

    const breaches = table(
        [
            { key: 'id', label: '#', num: true, render: (r) => idLink('incident', r.id), sort: (r) => r.id },
            { key: 'title', label: t('col.title'), cls: 'wrap', render: (r) => h('a', { href: '#/incidents/' + r.id }, r.title) },
            { key: 'severity', label: t('col.severity'), render: (r) => sevBadge(r.severity), sort: (r) => SEVS.indexOf(r.severity) },
            { key: 'state', label: t('col.state'), render: (r) => stateBadge(r.state) },
            { key: 'team', label: t('col.team'), render: (r) => r.team || '—' },
            { key: 'created_at', label: t('col.age'), num: true, render: (r) => ago(r.created_at) },
        ],
        d.sla_breaches || [],
        { empty: t('dash.noBreaches'), onOpen: (r) => (location.hash = '#/incidents/' + r.id), class: 'tbl-compact' },
    );
    const queue = table(
        [
            { key: 'id', label: '#', num: true, render: (r) => idLink('report', r.id), sort: (r) => r.id },
            { key: 'subject', label: t('col.subject'), cls: 'wrap', render: (r) => r.subject || h('span', { class: 'muted' }, t('common.noSubject')) },
            { key: 'source', label: t('col.source'), render: (r) => r.source || '—' },
            { key: 'tlp', label: 'TLP', render: (r) => tlpBadge(r.tlp) },
            { key: 'received_at', label: t('col.received'), num: true, render: (r) => ago(r.received_at || r.created_at) },
        ],
        d.triage_queue || [],
        { empty: t('dash.queueEmpty'), onOpen: (r) => (location.hash = '#/queue?report=' + r.id), class: 'tbl-compact' },
    );

    const chartTitle = h('span', null, t('dash.perDay'), ' ', h('span', { class: 'muted small' }, days.length ? `${dayLabel(days[0].day)} – ${dayLabel(days[days.length - 1].day)}` : ''));
    replace(
        main,
        pageHeader(t('nav.dashboard'), h('span', { class: 'muted small' }, t('dash.updated', { when: new Date().toLocaleTimeString(getLang() === 'ja' ? 'ja-JP' : 'en-GB', { hour: '2-digit', minute: '2-digit' }) }))),
        tiles,
        h(
            'div',
            { class: 'grid-3' },
            card(t('dash.byState'), stateBars, { class: 'dash-state' }),
            card(t('dash.bySeverity'), sevBars, { class: 'dash-sev' }),
            card(t('dash.byTeam'), teamBars, { class: 'dash-team' }),
        ),
        card(chartTitle, dailyChart(days), { class: 'dash-chart', actions: h('a', { class: 'btn btn-sm', href: '#/stats' }, t('dash.moreStats')) }),
        h(
            'div',
            { class: 'grid-2' },
            card([t('dash.slaBreaches'), ' ', h('span', { class: 'count-pill' }, num(d.sla_breach_count || 0))], breaches.el, { flush: true, class: 'dash-breaches' }),
            card([t('dash.newestReports'), ' ', h('span', { class: 'count-pill' }, num(d.triage_queue_count || 0))], queue.el, {
                flush: true,
                class: 'dash-queue',
                actions: h('a', { class: 'btn btn-sm', href: '#/queue' }, t('dash.openQueue')),
            }),
        ),
    );
    main.dataset.rendered = 'dashboard';
    const ms = performance.now() - t0;
    performance.mark('hk:dashboard-rendered');
    main.dataset.renderMs = ms.toFixed(1);
}
