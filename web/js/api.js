// SPDX-License-Identifier: MIT
//
// The one door to the hikeshi HTTP API. Requests carry the session cookie (same origin,
// HttpOnly: JavaScript never sees it) and, for every method other than GET/HEAD, the
// session's CSRF token in X-CSRF-Token. A 401 on any call other than the sign-in itself
// means the session expired or was ended elsewhere: the app is told (event
// "hk:unauthorized") and goes back to the sign-in page.

let csrf = '';
const activity = [];

/* fn() runs after every answered request (the app re-arms its idle timer). */
export function onActivity(fn) {
    activity.push(fn);
}

export function setCsrf(token) {
    csrf = token || '';
}

export class ApiError extends Error {
    constructor(status, code, message, retryAfter) {
        super(message || code || 'HTTP ' + status);
        this.status = status;
        this.code = code || '';
        this.retryAfter = retryAfter;
    }
}

/* api('GET', '/api/v1/incidents', null, {query: {state: 'open'}}) -> parsed JSON (or null for 204). */
export async function api(method, path, body, opts = {}) {
    let url = path;
    if (opts.query) {
        const p = new URLSearchParams();
        for (const [k, v] of Object.entries(opts.query)) {
            if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
        }
        const qs = p.toString();
        if (qs) url += (url.includes('?') ? '&' : '?') + qs;
    }
    const headers = { Accept: 'application/json' };
    if (body !== null && body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
    let res;
    try {
        res = await fetch(url, {
            method,
            headers,
            credentials: 'same-origin',
            cache: 'no-store',
            body: body !== null && body !== undefined ? JSON.stringify(body) : undefined,
        });
    } catch (e) {
        throw new ApiError(0, 'HK_ENETWORK', e.message);
    }
    for (const fn of activity) fn();
    if (res.status === 204) return null;
    let data = null;
    const type = res.headers.get('Content-Type') || '';
    if (type.includes('json')) {
        try {
            data = await res.json();
        } catch {
            data = null;
        }
    }
    if (!res.ok) {
        const err = (data && data.error) || {};
        const ra = parseInt(res.headers.get('Retry-After') || '', 10);
        const e = new ApiError(res.status, err.code, err.message, Number.isFinite(ra) ? ra : undefined);
        if (res.status === 401 && !opts.noAuthEvent) {
            window.dispatchEvent(new CustomEvent('hk:unauthorized'));
        }
        /* A refused state change may carry a stale CSRF token (the session was re-created in
         * another tab): fetch the session's token once and retry. */
        if (res.status === 403 && method !== 'GET' && method !== 'HEAD' && !opts.retried && !opts.noAuthEvent) {
            try {
                const s = await api('GET', '/api/v1/session', null, { noAuthEvent: true });
                if (s && s.csrf && s.csrf !== csrf) {
                    csrf = s.csrf;
                    return api(method, path, body, { ...opts, retried: true });
                }
            } catch {
                /* fall through to the original error */
            }
        }
        throw e;
    }
    return data;
}

export const get = (path, query) => api('GET', path, null, { query });
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body ?? {});

/* A URL for an <img>/<a> (chart.svg, CSV downloads): same origin, cookie-authenticated. */
export function url(path, query) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(query || {})) {
        if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
    }
    const qs = p.toString();
    return qs ? path + '?' + qs : path;
}

/* GET /api/v1/dashboard, shared: a request younger than maxAgeMs is reused (the page and
 * the navigation's queue count ask at the same moment on a full load). */
let dash = null;
let dashAt = 0;
export function dashboardData(maxAgeMs = 0) {
    if (dash && Date.now() - dashAt <= maxAgeMs) return dash;
    dashAt = Date.now();
    dash = api('GET', '/api/v1/dashboard');
    dash.catch(() => (dash = null));
    return dash;
}
