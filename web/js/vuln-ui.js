// SPDX-License-Identifier: MIT
//
// Shared pieces of the vulnerability-handling pages (issue 7): the case state badge, the
// CVSS severity badge, the public-ID link, the publication date cell and the paths of a
// published advisory's public files (CSAF provider directory layout, docs/advisories.md).
// All text goes in as text nodes (see dom.js).

import { h } from './dom.js';
import { t, label, dateTime } from './i18n.js';

export const VSTATES = ['received', 'triage', 'coordinating', 'scheduled', 'published', 'rejected'];
export const VENDOR_STATUSES = ['affected', 'not_affected', 'under_investigation', 'fixed'];
export const REMEDIATIONS = ['vendor_fix', 'workaround', 'mitigation', 'no_fix_planned', 'none_available'];

export function vstateBadge(state) {
    return h('span', { class: 'badge st vst-' + (state || 'none'), dataset: { state: state || '' } }, label('vstate', state));
}

/* The worst CVSS entry of a case: {score, severity, version, vector} or null. */
export function worstCvss(list) {
    let best = null;
    for (const c of list || []) if (!best || Number(c.score) > Number(best.score)) best = c;
    return best;
}

/* "9.8 Critical" in the severity colours of the incident badges. */
export function cvssBadge(c) {
    if (!c) return h('span', { class: 'muted' }, '—');
    const sev = String(c.severity || 'none').toLowerCase();
    return h('span', { class: 'badge sev sev-' + sev, title: c.vector || '' }, Number(c.score).toFixed(1) + ' ' + label('severity', sev));
}

export function caseLink(v) {
    return h('a', { href: '#/vulns/' + v.id, class: 'id-link' }, v.public_id || '#' + v.id);
}

/* Published: the date; else the agreed (embargo) date, marked as planned. */
export function publication(v) {
    if (v.published_at) return h('span', null, dateTime(v.published_at));
    if (v.publish_at) return h('span', { class: 'planned', title: t('vuln.embargo') }, dateTime(v.publish_at), ' ', h('span', { class: 'muted small' }, t('vuln.planned')));
    return h('span', { class: 'muted' }, '—');
}

/* The TLP folder of the provider directory for an advisory's TLP label. */
export function tlpFolder(tlp) {
    const x = String(tlp || '').toLowerCase();
    if (x === 'clear' || x === 'white') return 'white';
    if (x === 'amber' || x === 'amber+strict') return 'amber';
    if (x === 'green' || x === 'red') return x;
    return 'unlabeled';
}

/* {json, html, api} paths of a stored advisory row (file_name, year, tlp, id); json and html
 * only for our own advisories (imported ones are not written to the directory). */
export function advisoryPaths(a) {
    const out = { api: '/api/v1/advisories/' + a.id };
    if (a.origin === 'own' && a.file_name && a.year) {
        const folder = tlpFolder(a.tlp);
        out.json = `/.well-known/csaf/${folder}/${a.year}/${a.file_name}`;
        out.html = `/advisories/${folder}/${a.year}/${a.file_name.replace(/\.json$/, '')}.html`;
        out.public = folder === 'white';
    }
    return out;
}

/* An <input type="datetime-local"> value (local time) as an RFC 3339 UTC time, or ''. */
export function localToUtc(v) {
    if (!v) return '';
    const d = new Date(v);
    return isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/* An RFC 3339 time as a datetime-local value in the user's time zone. */
export function utcToLocal(v) {
    if (!v) return '';
    const d = new Date(v);
    if (isNaN(d.getTime())) return '';
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
