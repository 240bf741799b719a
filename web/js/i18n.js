// SPDX-License-Identifier: MIT
//
// UI language and locale formatting. Every visible string comes from web/i18n/en.js or
// web/i18n/ja.js through t(). The language is the one remembered in localStorage
// ("hk.lang", set by the switch in the top bar), else the first of navigator.languages
// (which mirrors the browser's Accept-Language) that we have, else English. Dates are
// shown in the user's own time zone through Intl.DateTimeFormat.

import en from '../i18n/en.js';
import ja from '../i18n/ja.js';

const DICTS = { en, ja };
export const LANGS = [
    ['en', 'English'],
    ['ja', '日本語'],
];
const KEY = 'hk.lang';
let lang = 'en';
let fmtCache = {};

function stored() {
    try {
        return localStorage.getItem(KEY);
    } catch {
        return null;
    }
}

export function pickLang() {
    const s = stored();
    if (s && DICTS[s]) return s;
    for (const l of navigator.languages || [navigator.language || 'en']) {
        const base = String(l).toLowerCase().split('-')[0];
        if (DICTS[base]) return base;
    }
    return 'en';
}

export function setLang(l, remember) {
    lang = DICTS[l] ? l : 'en';
    fmtCache = {};
    document.documentElement.lang = lang;
    if (remember) {
        try {
            localStorage.setItem(KEY, lang);
        } catch {
            /* private mode: the switch still works for this page */
        }
    }
}

export function getLang() {
    return lang;
}

/* t('nav.dashboard'), t('queue.count', {n: 3}) -> placeholders {n} are replaced. */
export function t(key, vars) {
    let str = DICTS[lang][key];
    if (str === undefined) str = DICTS.en[key];
    if (str === undefined) return key;
    if (vars) str = str.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return str;
}

/* A label for an enumerated value (state, severity, class...), falling back to the value. */
export function label(group, value) {
    if (value === null || value === undefined || value === '') return '—';
    const k = group + '.' + value;
    const str = DICTS[lang][k] ?? DICTS.en[k];
    return str === undefined ? String(value) : str;
}

function fmt(name, opts) {
    if (!fmtCache[name]) fmtCache[name] = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', opts);
    return fmtCache[name];
}

function toDate(v) {
    if (v === null || v === undefined || v === '') return null;
    const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v);
    return isNaN(d.getTime()) ? null : d;
}

/* "2026-11-22 17:45" in the user's time zone (dense and unambiguous in tables, the same in
 * both languages); '—' for none. */
export function dateTime(v) {
    const d = toDate(v);
    if (!d) return '—';
    const p = {};
    for (const x of fmt('dt', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d)) p[x.type] = x.value;
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function dateOnly(v) {
    const d = toDate(v);
    return d ? fmt('d', { year: 'numeric', month: 'short', day: 'numeric' }).format(d) : '—';
}

/* A calendar day "2026-11-22" as "22 Nov 2026" / "2026年11月22日" (no time zone shift). */
export function dayLabel(day) {
    const d = toDate(String(day).slice(0, 10) + 'T00:00:00Z');
    return d ? fmt('day', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d) : '—';
}

/* "3 min ago", "2 d ago". */
export function ago(v) {
    const d = toDate(v);
    if (!d) return '—';
    const s = Math.round((Date.now() - d.getTime()) / 1000);
    const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'short' });
    const a = Math.abs(s);
    if (a < 60) return rtf.format(-s, 'second');
    if (a < 3600) return rtf.format(-Math.round(s / 60), 'minute');
    if (a < 86400) return rtf.format(-Math.round(s / 3600), 'hour');
    return rtf.format(-Math.round(s / 86400), 'day');
}

export function timeZone() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function num(n) {
    if (n === null || n === undefined || n === '') return '—';
    return new Intl.NumberFormat(lang).format(n);
}

export function percent(x) {
    if (x === null || x === undefined || Number.isNaN(x)) return '—';
    return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(x);
}

/* Seconds as "2 d 3 h", "4 h 12 min", "35 min", "20 s". */
export function duration(sec) {
    if (sec === null || sec === undefined || Number.isNaN(sec)) return '—';
    const v = Math.round(sec);
    const d = Math.floor(v / 86400), hh = Math.floor((v % 86400) / 3600), m = Math.floor((v % 3600) / 60);
    if (d > 0) return t('dur.dh', { d, h: hh });
    if (hh > 0) return t('dur.hm', { h: hh, m });
    if (m > 0) return t('dur.m', { m });
    return t('dur.s', { s: v });
}
