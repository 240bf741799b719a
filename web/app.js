// SPDX-License-Identifier: MIT
//
// hikeshi web UI: boot, session, shell (top bar + left navigation) and the hash router.
// Plain ES modules, no build step, no framework. Pages live in js/pages/*.js and export
// render(ctx); ctx gives them the main element, the route parameters, the signed-in user,
// a keyboard hook and alive() (false once the user navigated elsewhere, so late answers
// of slow requests are dropped instead of drawn over the next page).

import { h, replace, typing, parseQuery } from './js/dom.js';
import { api, setCsrf, onActivity, dashboardData } from './js/api.js';
import { t, pickLang, setLang, getLang, LANGS } from './js/i18n.js';
import { showHelp } from './js/ui.js';
import * as signin from './js/pages/signin.js';
import * as dashboard from './js/pages/dashboard.js';
import * as queue from './js/pages/queue.js';
import * as incident from './js/pages/incident.js';
import * as search from './js/pages/search.js';
import * as stats from './js/pages/stats.js';
import * as mgmt from './js/pages/report.js';
import * as submit from './js/pages/submit.js';
import * as myReports from './js/pages/myreports.js';
import * as reportView from './js/pages/reportview.js';
import * as vulnSubmit from './js/pages/vulnsubmit.js';
import * as vulnList from './js/pages/vulnlist.js';
import * as vuln from './js/pages/vuln.js';
import * as advisories from './js/pages/advisories.js';
import * as assets from './js/pages/assets.js';
import * as account from './js/pages/account.js';
import * as usersPage from './js/pages/users.js';

const ROUTES = [
    { re: /^\/dashboard$/, page: dashboard, staff: true, nav: 'dashboard' },
    { re: /^\/queue$/, page: queue, staff: true, nav: 'queue' },
    { re: /^\/incidents\/(\d+)$/, page: incident, staff: true, nav: 'search' },
    { re: /^\/search$/, page: search, staff: true, nav: 'search' },
    { re: /^\/stats$/, page: stats, staff: true, nav: 'stats' },
    { re: /^\/report$/, page: mgmt, staff: true, nav: 'report' },
    { re: /^\/submit$/, page: submit, staff: false, nav: 'submit' },
    { re: /^\/my-reports$/, page: myReports, staff: false, nav: 'my-reports' },
    { re: /^\/reports\/(\d+)$/, page: reportView, staff: false, nav: null },
    { re: /^\/vulns$/, page: vulnList, staff: true, nav: 'vulns' },
    { re: /^\/vulns\/(\d+)$/, page: vuln, staff: false, nav: 'vulns' },
    { re: /^\/vuln-report$/, page: vulnSubmit, staff: false, nav: 'vuln-report' },
    { re: /^\/my-vulns$/, page: vulnList, staff: false, nav: 'my-vulns' },
    { re: /^\/advisories$/, page: advisories, staff: true, nav: 'advisories' },
    { re: /^\/assets$/, page: assets, staff: true, nav: 'assets' },
    { re: /^\/account$/, page: account, staff: false, nav: null },
    { re: /^\/users$/, page: usersPage, staff: true, admin: true, nav: 'users' },
];

const NAV_STAFF = [
    ['dashboard', '#/dashboard', 'nav.dashboard', 'g d'],
    ['queue', '#/queue', 'nav.queue', 'g q'],
    ['search', '#/search', 'nav.search', 'g s'],
    ['stats', '#/stats', 'nav.stats', 'g t'],
    ['report', '#/report', 'nav.report', 'g r'],
    null,
    ['vulns', '#/vulns', 'nav.vulns', 'g v'],
    ['advisories', '#/advisories', 'nav.advisories', 'g a'],
    ['assets', '#/assets', 'nav.assets', null],
    null,
    ['submit', '#/submit', 'nav.submit', null],
    ['my-reports', '#/my-reports', 'nav.myReports', null],
];
const NAV_REPORTER = [
    ['submit', '#/submit', 'nav.submit', null],
    ['my-reports', '#/my-reports', 'nav.myReports', null],
    null,
    ['vuln-report', '#/vuln-report', 'nav.vulnReport', null],
    ['my-vulns', '#/my-vulns', 'nav.myVulns', null],
];

const app = {
    user: null,
    session: null,
    gen: 0,
    keyHandler: null,
    shell: null,
    main: null,
    notice: null,
    idleTimer: 0,
    gPending: false,
};

function isStaff(u) {
    return u && (u.role === 'admin' || u.role === 'handler');
}

function homeFor(u) {
    return isStaff(u) ? '#/dashboard' : '#/submit';
}

function parseHash() {
    const raw = decodeURI(location.hash.replace(/^#/, '')) || '/';
    const qi = raw.indexOf('?');
    return { path: qi < 0 ? raw : raw.slice(0, qi), query: parseQuery(qi < 0 ? '' : raw.slice(qi + 1)) };
}

/* ---------- session ---------- */

function startSession(s) {
    app.session = s;
    app.user = s.user;
    setCsrf(s.csrf);
    armIdle();
}

function endSession(notice) {
    app.session = null;
    app.user = null;
    setCsrf('');
    clearTimeout(app.idleTimer);
    app.notice = notice || null;
    app.shell = null;
    renderSignin();
}

/* After the idle timeout without any request, ask the server: an expired session answers
 * 401 and the sign-in page comes back without waiting for the next click. */
function armIdle() {
    clearTimeout(app.idleTimer);
    const s = app.session && app.session.idle_timeout_s;
    if (!s) return;
    app.idleTimer = setTimeout(() => {
        api('GET', '/api/v1/session').catch(() => {});
    }, (s + 2) * 1000);
}

window.addEventListener('hk:unauthorized', () => {
    if (app.user) endSession('expired');
});

onActivity(() => {
    if (app.user) armIdle();
});

async function signOut() {
    try {
        await api('DELETE', '/api/v1/session', null, { noAuthEvent: true });
    } catch {
        /* already gone: the page still returns to sign-in */
    }
    endSession('signedout');
}

/* ---------- shell ---------- */

function langSwitch(onChange) {
    const sel = h(
        'select',
        { class: 'lang-switch', 'aria-label': t('top.language'), id: 'lang-switch' },
        LANGS.map(([v, l]) => h('option', { value: v, selected: v === getLang() }, l)),
    );
    sel.addEventListener('change', () => {
        setLang(sel.value, true);
        onChange();
    });
    return sel;
}

function quickSearch() {
    const input = h('input', {
        type: 'search',
        class: 'qs-input',
        id: 'quick-search',
        placeholder: t('top.searchPlaceholder'),
        'aria-label': t('top.search'),
        autocomplete: 'off',
        spellcheck: 'false',
    });
    const form = h('form', { class: 'qs', role: 'search' }, h('span', { class: 'qs-icon', 'aria-hidden': 'true' }), input, h('kbd', { class: 'qs-kbd' }, '/'));
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const v = input.value.trim();
        if (!v) return;
        /* One token that looks like an address, a domain, a hash or an e-mail address is an
         * observable search; anything else is free text. */
        const obs = !/\s/.test(v) && (/[.:@/]/.test(v) || /^[0-9a-f]{32,128}$/i.test(v));
        location.hash = '#/search?' + new URLSearchParams(obs ? { observable: v } : { q: v }).toString();
        input.blur();
    });
    return form;
}

function buildShell() {
    const u = app.user;
    const nav = h('nav', { class: 'sidenav', 'aria-label': t('nav.label') });
    /* admins also manage the accounts */
    const items = isStaff(u) ? (u.role === 'admin' ? NAV_STAFF.concat([null, ['users', '#/users', 'nav.users', null]]) : NAV_STAFF) : NAV_REPORTER;
    const ul = h('ul');
    for (const it of items) {
        if (!it) {
            ul.appendChild(h('li', { class: 'nav-sep', role: 'separator' }));
            continue;
        }
        const [id, href, key, shortcut] = it;
        ul.appendChild(
            h('li', null, h('a', { href, class: 'nav-link', dataset: { nav: id }, title: shortcut ? t(key) + ' (' + shortcut + ')' : null }, h('span', { class: 'nav-ico ico-' + id, 'aria-hidden': 'true' }), h('span', { class: 'nav-text' }, t(key)), id === 'queue' ? h('span', { class: 'nav-count', id: 'nav-queue-count' }) : null, shortcut ? h('kbd', { class: 'nav-kbd' }, shortcut) : null)),
        );
    }
    nav.appendChild(ul);
    nav.appendChild(h('div', { class: 'nav-foot' }, h('span', null, t('common.timezone')), ' ', h('span', { class: 'mono' }, Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC')));

    const signOutBtn = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', id: 'sign-out' }, t('top.signOut'));
    signOutBtn.addEventListener('click', signOut);
    const top = h(
        'header',
        { class: 'topbar' },
        h('a', { class: 'brand', href: homeFor(u), 'aria-label': 'hikeshi' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-ja', lang: 'ja' }, '火消し'), h('span', { class: 'brand-en' }, 'hikeshi')),
        isStaff(u) ? quickSearch() : h('span', { class: 'qs-spacer' }),
        h('div', { class: 'top-right' }, langSwitch(relabel), h('a', { class: 'who', href: '#/account', id: 'account-link', title: t('acct.title') }, h('span', { class: 'who-name' }, u.name), h('span', { class: 'role role-' + u.role }, t('role.' + u.role))), signOutBtn),
    );
    const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
    const root = document.getElementById('app');
    replace(root, h('a', { class: 'skip', href: '#main' }, t('common.skip')), top, h('div', { class: 'body' }, nav, main));
    root.className = 'app signed-in';
    app.shell = { nav, main };
    app.main = main;
    if (isStaff(u)) refreshQueueCount(1000);
}

/* Redraw everything in the new language. */
function relabel() {
    if (app.user) {
        buildShell();
        route();
    } else renderSignin();
}

/* The exact number of reports waiting for triage (the dashboard's count); returns it. */
export async function refreshQueueCount(maxAgeMs = 0) {
    const el = document.getElementById('nav-queue-count');
    try {
        const d = await dashboardData(maxAgeMs);
        const n = d.triage_queue_count || 0;
        if (el) el.textContent = n ? (n > 999 ? '999+' : String(n)) : '';
        return n;
    } catch {
        if (el) el.textContent = '';
        return null;
    }
}

function renderSignin() {
    app.gen++;
    app.keyHandler = null;
    const root = document.getElementById('app');
    root.className = 'app signed-out';
    signin.render({
        root,
        notice: app.notice,
        langSwitch: () => langSwitch(relabel),
        onSignedIn(s) {
            app.notice = null;
            startSession(s);
            buildShell();
            const { path } = parseHash();
            if (path === '/' || path === '/signin') location.hash = homeFor(app.user);
            else route();
        },
    });
}

/* ---------- router ---------- */

async function route() {
    if (!app.user) return renderSignin();
    if (!app.shell) buildShell();
    const { path, query } = parseHash();
    const gen = ++app.gen;
    app.keyHandler = null;
    app.pageKeys = null;
    let m = null;
    const r = ROUTES.find((x) => (m = x.re.exec(path)));
    if (!r || (r.staff && !isStaff(app.user)) || (r.admin && app.user.role !== 'admin')) {
        /* unknown paths, and staff (or admin) pages asked for by others, land on the home page */
        location.replace(homeFor(app.user));
        return;
    }
    for (const a of app.shell.nav.querySelectorAll('.nav-link')) {
        const on = a.dataset.nav === r.nav;
        a.classList.toggle('active', on);
        if (on) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
    }
    const main = app.main;
    replace(main);
    main.className = 'main page-' + (r.nav || 'detail');
    delete main.dataset.rendered;
    delete main.dataset.renderMs;
    const ctx = {
        main,
        params: m.slice(1),
        query,
        user: app.user,
        staff: isStaff(app.user),
        alive: () => gen === app.gen,
        onKey(fn, help) {
            if (gen !== app.gen) return;
            app.keyHandler = fn;
            /* the page's own shortcuts, listed first in the "?" dialog */
            app.pageKeys = help || null;
        },
        setTitle(s) {
            if (gen === app.gen) document.title = s ? s + ' · hikeshi' : 'hikeshi';
        },
        refreshQueueCount,
    };
    ctx.setTitle(t('nav.' + ({ 'my-reports': 'myReports', 'vuln-report': 'vulnReport', 'my-vulns': 'myVulns' }[r.nav] || r.nav || 'dashboard')));
    try {
        await r.page.render(ctx);
    } catch (e) {
        if (gen === app.gen && !(e && e.status === 401)) {
            replace(main, h('div', { class: 'alert alert-err', role: 'alert' }, e && e.message ? e.message : String(e)));
        }
    }
}

/* ---------- keyboard ---------- */

const GLOBAL_KEYS = () => [
    ['/', t('keys.search')],
    ['g d', t('nav.dashboard')],
    ['g q', t('nav.queue')],
    ['g s', t('nav.search')],
    ['g t', t('nav.stats')],
    ['g r', t('nav.report')],
    ['g v', t('nav.vulns')],
    ['g a', t('nav.advisories')],
    ['?', t('keys.help')],
];

document.addEventListener('keydown', (ev) => {
    if (!app.user || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (document.querySelector('dialog[open]')) return;
    if (typing(ev)) {
        if (ev.key === 'Escape') ev.target.blur();
        return;
    }
    if (app.gPending) {
        app.gPending = false;
        const dest = { d: '#/dashboard', q: '#/queue', s: '#/search', t: '#/stats', r: '#/report', v: '#/vulns', a: '#/advisories' }[ev.key];
        if (dest && isStaff(app.user)) {
            ev.preventDefault();
            location.hash = dest;
            return;
        }
    }
    if (app.keyHandler && app.keyHandler(ev)) {
        ev.preventDefault();
        return;
    }
    if (ev.key === '/' && isStaff(app.user)) {
        const qs = document.getElementById('quick-search');
        if (qs) {
            ev.preventDefault();
            qs.focus();
        }
    } else if (ev.key === 'g') {
        app.gPending = true;
        setTimeout(() => (app.gPending = false), 1200);
    } else if (ev.key === '?') {
        ev.preventDefault();
        const page = app.pageKeys ? app.pageKeys() : [];
        showHelp([...page, ...(isStaff(app.user) ? GLOBAL_KEYS() : [['?', t('keys.help')]])]);
    }
});

window.addEventListener('hashchange', () => route());

/* ---------- boot ---------- */

async function boot() {
    setLang(pickLang(), false);
    try {
        const s = await api('GET', '/api/v1/session', null, { noAuthEvent: true });
        startSession(s);
        buildShell();
        const { path } = parseHash();
        /* the hashchange of replace() routes */
        if (path === '/' || path === '/signin') location.replace(homeFor(app.user));
        else await route();
    } catch {
        renderSignin();
    }
}

boot();
