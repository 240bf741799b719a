// SPDX-License-Identifier: MIT
//
// End-to-end test of the hikeshi web UI in real headless Chromium (Debian's chromium,
// driven by playwright-core). tests/integration/t_browser.sh starts a fresh `hikeshi
// serve`, creates the users and runs this with:
//   HK_URL           http://127.0.0.1:PORT
//   HK_ADMIN_TOKEN   the admin API token (for set-up checks through the API)
//   HK_HANDLER / HK_HANDLER_PW, HK_REPORTER / HK_REPORTER_PW   the two users
//   HK_SHOTS         directory for the screenshots (build dir/screenshots)
//   HK_CHROMIUM      the browser executable (default /usr/bin/chromium)
//   HK_IDLE_URL / HK_IDLE_PW   a second server started with --session-idle 2, and its admin
//                    password (optional: the real idle-expiry check)
//   HK_SRC           the source tree (for the static checks of web/)
//   HK_VENDORS       two directory teams of type vendor, comma-separated (vulnerability part)
// Scenario: static checks of web/ (no HTML sinks, en/ja keys in step); the CSP header;
// sign-in errors; a reporter submits a report and the XSS payloads; a handler triages
// the report into a new incident from the queue, adds an investigation and a message,
// moves it to analysis and resolves it, and the statistics change; every page that shows
// the payloads is opened and nothing executes; the Japanese UI and the language switch;
// sign-out and session expiry; the sign-in rate limit; vulnerability handling (a reporter's
// vulnerability report, coordination with two vendors, embargo, schedule, publication and
// the public advisory files, advisories and assets pages; see vulnScenario); server-side
// sorting of the incident, report and my-reports tables (header clicks give the API's
// order over more rows than a page; see sortScenario). Waits on selectors, never sleeps.
// Prints "N passed, M failed" and exits non-zero on failure. The dashboard's first
// render time is measured and printed, not asserted.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const URL0 = process.env.HK_URL;
const SHOTS = process.env.HK_SHOTS;
const SRC = process.env.HK_SRC || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const TIMEOUT = Number(process.env.HK_E2E_TIMEOUT_MS || 15000);
const users = {
    handler: [process.env.HK_HANDLER, process.env.HK_HANDLER_PW],
    reporter: [process.env.HK_REPORTER, process.env.HK_REPORTER_PW],
};
if (!URL0 || !SHOTS || !users.handler[0] || !users.reporter[0]) {
    console.error('e2e: HK_URL, HK_SHOTS, HK_HANDLER(_PW) and HK_REPORTER(_PW) are required');
    process.exit(2);
}

const XSS = ['<script>window.__xss=1</script>', '"><img src=x onerror="window.__xss=1">'];

let passed = 0;
let failed = 0;
function ok(cond, what, detail) {
    if (cond) {
        passed++;
        console.log('ok - ' + what);
    } else {
        failed++;
        console.log('FAIL - ' + what + (detail !== undefined ? ' (' + JSON.stringify(detail) + ')' : ''));
    }
    return cond;
}

/* ---------- static checks of web/ ---------- */

function walk(dir) {
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...walk(p));
        else out.push(p);
    }
    return out;
}

async function staticChecks() {
    const web = path.join(SRC, 'web');
    const files = walk(web);
    const js = files.filter((f) => f.endsWith('.js') || f.endsWith('.mjs'));
    const sinks = /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\s*\(|new Function\s*\(|setAttribute\(\s*['"](style|on\w+)['"]/;
    const bad = js.filter((f) => sinks.test(fs.readFileSync(f, 'utf8')));
    ok(bad.length === 0, 'web/: no HTML sinks, eval or inline style/handler attributes in JavaScript', bad);
    const html = files.filter((f) => f.endsWith('.html'));
    const inline = html.filter((f) => {
        const s = fs.readFileSync(f, 'utf8');
        return /<script(?![^>]*\bsrc=)[^>]*>/i.test(s) || /<style/i.test(s) || /\sstyle=/i.test(s) || /\son[a-z]+=/i.test(s);
    });
    ok(inline.length === 0, 'web/: no inline script, style blocks, style or on* attributes in HTML', inline);
    const en = (await import(path.join(web, 'i18n/en.js'))).default;
    const ja = (await import(path.join(web, 'i18n/ja.js'))).default;
    const missingJa = Object.keys(en).filter((k) => !(k in ja));
    const extraJa = Object.keys(ja).filter((k) => !(k in en));
    ok(missingJa.length === 0 && extraJa.length === 0, 'i18n: en.js and ja.js have the same keys', { missingJa, extraJa });
    const used = new Set();
    for (const f of js) for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\('([A-Za-z0-9_.-]+)'\s*[,)]/g)) used.add(m[1]);
    const undef = [...used].filter((k) => !(k in en));
    ok(undef.length === 0, `i18n: every literal t('key') (${used.size}) is defined`, undef);
}

/* ---------- browser helpers ---------- */

const dialogs = [];
function watch(page) {
    page.on('dialog', (d) => {
        dialogs.push(d.message());
        d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => console.log('# page error: ' + e.message));
}

async function newPage(browser, opts = {}) {
    const context = await browser.newContext({
        viewport: { width: 1440, height: 900 },
        locale: opts.locale || 'en-US',
        timezoneId: opts.timezoneId || 'Europe/Berlin',
        colorScheme: 'light',
    });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    watch(page);
    return { context, page };
}

async function signIn(page, who, pw) {
    await page.goto(URL0 + '/');
    await page.waitForSelector('#signin-form');
    await page.fill('#signin-user', who);
    await page.fill('#signin-password', pw);
    await page.click('#signin-submit');
    await page.waitForSelector('.app.signed-in');
}

async function go(page, hash, rendered) {
    /* resolves once the router has seen the change (it clears data-rendered synchronously);
     * the same hash again fires no hashchange, so the event is sent by hand */
    await page.evaluate(
        (h) =>
            new Promise((done) => {
                if (location.hash === h) {
                    window.dispatchEvent(new HashChangeEvent('hashchange'));
                    done();
                    return;
                }
                window.addEventListener('hashchange', () => done(), { once: true });
                location.hash = h;
            }),
        hash,
    );
    if (rendered) await page.waitForSelector(`#main[data-rendered="${rendered}"]`);
}

async function shot(page, name) {
    fs.mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, name + '.png');
    /* let fonts and images settle: wait for every <img> of the page to finish loading */
    await page.evaluate(async () => {
        /* the top of the page, without the toasts of earlier actions */
        const main = document.getElementById('main');
        if (main) main.scrollTop = 0;
        document.querySelectorAll('.toasts').forEach((t) => t.remove());
        await document.fonts.ready;
        await Promise.all(Array.from(document.images).map((i) => (i.complete ? 0 : new Promise((r) => { i.onload = i.onerror = r; }))));
    });
    await page.screenshot({ path: file });
    console.log('# screenshot ' + file);
}

const noXss = (page) => page.evaluate(() => window.__xss === undefined);

async function apiJson(page, p) {
    return page.evaluate(async (u) => {
        const r = await fetch(u, { credentials: 'same-origin' });
        return { status: r.status, body: await r.json().catch(() => null) };
    }, p);
}

/* The ids of the rows of the search page's table, in order. */
async function tableIds(page) {
    return page.$$eval('#search-results tbody tr td:first-child .id-link', (as) => as.map((a) => Number(a.textContent.replace('#', ''))));
}

/* Clicks sel on the search page and waits for a new table whose URL includes want. */
async function clickAndWait(page, sel, want) {
    await page.evaluate(() => {
        window.__oldTbody = document.querySelector('#search-results tbody');
    });
    await page.click(sel);
    await page.waitForFunction((w) => {
        const tb = document.querySelector('#main[data-rendered="search"] #search-results tbody');
        return location.hash.includes(w) && tb && tb !== window.__oldTbody;
    }, want);
}

/* Clicks a sortable header of the search table and waits for the page in that order. */
async function clickSort(page, key, want) {
    await clickAndWait(page, `#search-results th button[data-sort="${key}"]`, want);
}

/*
 * Server-side sorting (sort=): more incidents than one page, one critical among 55 newer
 * low ones, so the first page of the id order holds no critical incident and sorting that
 * page on screen could not show one first. A click on the Severity header must show the
 * API's first page of sort=severity (critical first), with the arrow on the header; the
 * next page keeps the sort; a second click turns the direction; the report list sorts by
 * subject the same way.
 */
async function sortScenario(hp, stamp) {
    const made = await hp.evaluate(async (st) => {
        const api = await import('/js/api.js');
        const crit = await api.post('/api/v1/incidents', { title: 'sort probe ' + st, severity: 'critical', tlp: 'GREEN' });
        for (let i = 0; i < 55; i++) await api.post('/api/v1/incidents', { title: 'sort filler ' + i + ' ' + st, severity: 'low', tlp: 'GREEN' });
        return crit.id;
    }, stamp);
    ok(made > 0, 'sort: 56 incidents created through the API', made);
    await go(hp, '#/search', 'search');
    const byId = await tableIds(hp);
    const idPage = await apiJson(hp, '/api/v1/incidents?limit=50&order=desc');
    ok(byId.length === 50 && idPage.body.next_cursor && !byId.includes(made), 'sort: more incidents than one page; the critical probe is not on the first page of the id order', byId.length);

    await clickSort(hp, 'severity', 'sort=severity');
    const sev = await tableIds(hp);
    const api1 = await apiJson(hp, '/api/v1/incidents?sort=severity&order=desc&limit=50');
    ok(JSON.stringify(sev) === JSON.stringify(api1.body.items.map((r) => r.id)), 'sort: a click on Severity shows the server\'s first page of sort=severity', { sev: sev.slice(0, 5), api: api1.body.items.slice(0, 5).map((r) => r.id) });
    ok(api1.body.items[0].severity === 'critical' && sev.includes(made), 'sort: the critical incident from beyond the first id page is on the first severity page');
    ok((await hp.getAttribute('#search-results th[aria-sort] button', 'data-sort')) === 'severity' && (await hp.getAttribute('#search-results th[aria-sort]', 'aria-sort')) === 'descending' && (await hp.textContent('#search-results th[aria-sort] .sort-ind')) === '▼', 'sort: the Severity header shows the descending arrow');
    await shot(hp, 'search-sorted');

    await clickAndWait(hp, '#page-next', 'cursor=');
    ok(/sort=severity/.test(await hp.evaluate(() => location.hash)), 'sort: the next page keeps the sort in the URL');
    const sev2 = await tableIds(hp);
    const api2 = await apiJson(hp, '/api/v1/incidents?sort=severity&order=desc&limit=50&cursor=' + encodeURIComponent(api1.body.next_cursor));
    ok(sev2.length > 0 && JSON.stringify(sev2) === JSON.stringify(api2.body.items.map((r) => r.id)) && !sev2.some((i) => sev.includes(i)), 'sort: the next page is the server\'s second page of the same sort, no row repeated');

    await go(hp, '#/search?sort=severity', 'search');
    await clickSort(hp, 'severity', 'order=asc');
    const asc = await tableIds(hp);
    const api3 = await apiJson(hp, '/api/v1/incidents?sort=severity&order=asc&limit=50');
    ok(JSON.stringify(asc) === JSON.stringify(api3.body.items.map((r) => r.id)) && api3.body.items[0].severity === 'low', 'sort: a second click turns the direction (lowest severity first)');
    ok((await hp.textContent('#search-results th[aria-sort] .sort-ind')) === '▲', 'sort: the header shows the ascending arrow');

    await go(hp, '#/search?kind=reports', 'search');
    await clickSort(hp, 'subject', 'sort=subject');
    const subj = await tableIds(hp);
    const api4 = await apiJson(hp, '/api/v1/reports?sort=subject&order=asc&limit=50');
    ok(subj.length > 0 && JSON.stringify(subj) === JSON.stringify(api4.body.items.map((r) => r.id)), 'sort: a click on Subject shows the server\'s report order (A to Z)', { subj: subj.slice(0, 8), api: api4.body.items.slice(0, 8).map((r) => r.id), status: api4.status });
}

/* ---------- the scenario ---------- */

async function main() {
    const t0 = Date.now();
    await staticChecks();

    const browser = await chromium.launch({
        executablePath: process.env.HK_CHROMIUM || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    try {
        await scenario(browser);
    } finally {
        await browser.close();
    }
    console.log(`# browser test took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function scenario(browser) {
    /* --- sign-in page, CSP, wrong password --- */
    {
        const { context, page } = await newPage(browser);
        const res = await page.goto(URL0 + '/');
        const csp = res.headers()['content-security-policy'] || '';
        ok(/script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp), 'GET / carries a CSP without unsafe-inline', csp);
        await page.waitForSelector('#signin-form');
        ok((await page.textContent('#signin-submit')).trim() === 'Sign in', 'sign-in page is shown in English for en-US');
        await page.fill('#signin-user', users.handler[0]);
        await page.fill('#signin-password', 'definitely-wrong');
        await page.click('#signin-submit');
        await page.waitForSelector('#signin-error');
        ok(/wrong user name or password/i.test(await page.textContent('#signin-error')), 'wrong password shows an error');
        ok(!(await page.$('.app.signed-in')), 'wrong password does not sign in');
        await context.close();
    }

    /* --- reporter: submit a report and the XSS payloads --- */
    const rep = await newPage(browser);
    const rp = rep.page;
    await signIn(rp, ...users.reporter);
    await rp.waitForSelector('#main[data-rendered="submit"]');
    ok(/#\/submit$/.test(rp.url()), 'a reporter lands on "submit a report"', rp.url());
    const navs = await rp.$$eval('.sidenav .nav-link', (a) => a.map((x) => x.dataset.nav));
    ok(JSON.stringify(navs) === JSON.stringify(['submit', 'my-reports', 'vuln-report', 'my-vulns']), 'a reporter sees only "submit", "my reports", "report a vulnerability" and "my vulnerability reports"', navs);
    const dashAsReporter = await apiJson(rp, '/api/v1/dashboard');
    ok(dashAsReporter.status === 403, 'the dashboard API refuses a reporter', dashAsReporter.status);

    const stamp = Date.now().toString(36);
    const subject = `Port scans from 203.0.113.77 (${stamp})`;
    const seen = new Set();
    async function submit(subj, content) {
        await go(rp, '#/submit', 'submit');
        await rp.fill('#rep-subject', subj);
        await rp.fill('#rep-content', content);
        await rp.click('#rep-submit');
        const el = await rp.waitForSelector('#submit-ok');
        const id = Number(await el.getAttribute('data-report-id'));
        ok(!seen.has(id), 'submitted report #' + id + ' is a new report');
        seen.add(id);
        return id;
    }
    const reportId = await submit(subject, `Our IDS saw 203.0.113.77 scanning tcp/445 across 10.1.0.0/16 at 03:12 JST.\nAlso contacted evil-${stamp}.example.net.`);
    ok(reportId > 0, 'the reporter submitted a report', reportId);
    const xssIds = [];
    for (const p of XSS) xssIds.push(await submit(p, `${p}\nmore text ${stamp} ${p}`));
    ok(xssIds.every((x) => x > 0), 'the XSS payload reports were accepted as data', xssIds);

    await go(rp, '#/my-reports', 'my-reports');
    const myText = await rp.textContent('#my-reports');
    ok(XSS.every((p) => myText.includes(p)) && myText.includes(subject), 'my reports lists the reports, payloads as literal text');
    /* a header click sorts on the server (sort=subject, A to Z) */
    await rp.evaluate(() => {
        window.__oldTbody = document.querySelector('#my-reports tbody');
    });
    await rp.click('#my-reports th button[data-sort="subject"]');
    await rp.waitForFunction(() => {
        const tb = document.querySelector('#my-reports tbody');
        return tb && tb !== window.__oldTbody;
    });
    const mySorted = await rp.$$eval('#my-reports tbody tr td:first-child .id-link', (as) => as.map((a) => Number(a.textContent.replace('#', ''))));
    const myApi = await apiJson(rp, '/api/v1/reports?sort=subject&order=asc&limit=100');
    ok(mySorted.length === 3 && JSON.stringify(mySorted) === JSON.stringify(myApi.body.items.map((r) => r.id)) && (await rp.textContent('#my-reports th[aria-sort] .sort-ind')) === '▲', 'my reports: a click on Subject shows the server\'s order (A to Z) with the arrow', { mySorted, api: myApi.body.items.map((r) => r.id) });
    await go(rp, '#/reports/' + xssIds[1], 'report-view');
    ok((await rp.textContent('#rv-subject')) === XSS[1] && (await rp.textContent('#rv-content')).includes(XSS[1]), 'report page shows the payload as text');
    ok(await noXss(rp), 'nothing executed on the reporter pages');

    /* --- account: the reporter changes their password (used from here on) --- */
    const newPw = 'a-new-passphrase-' + stamp;
    await rp.click('#account-link');
    await rp.waitForSelector('#main[data-rendered="account"]');
    await rp.fill('#acct-current', users.reporter[1]);
    await rp.fill('#acct-new', newPw);
    await rp.fill('#acct-confirm', newPw + 'x');
    await rp.click('#acct-save');
    await rp.waitForSelector('#acct-error');
    ok(/differ/.test(await rp.textContent('#acct-error')), 'the account page refuses two different new passwords');
    await rp.fill('#acct-current', 'not-the-password');
    await rp.fill('#acct-confirm', newPw);
    await rp.click('#acct-save');
    await rp.waitForFunction(() => /current password is wrong/.test((document.querySelector('#acct-error') || {}).textContent || ''));
    ok(!!(await rp.$('.app.signed-in')), 'a wrong current password is refused, and the user stays signed in');
    await rp.fill('#acct-current', users.reporter[1]);
    await rp.click('#acct-save');
    await rp.waitForSelector('#acct-ok');
    ok(!!(await rp.$('.app.signed-in')), 'the password is changed and this session stays signed in');
    await shot(rp, 'account');
    users.reporter[1] = newPw;
    await rp.click('#sign-out');
    await rp.waitForSelector('#signin-signedout');
    ok(true, 'sign-out returns to the sign-in page');
    await go(rp, '#/my-reports');
    await rp.reload();
    await rp.waitForSelector('#signin-form');
    ok(!(await rp.$('.app.signed-in')), 'after sign-out, a reload asks to sign in again');
    await rep.context.close();

    /* --- handler: dashboard, queue, triage, incident, statistics --- */
    const han = await newPage(browser);
    const hp = han.page;
    await signIn(hp, ...users.handler);
    await hp.waitForSelector('#main[data-rendered="dashboard"]');
    ok(/#\/dashboard$/.test(hp.url()), 'a handler lands on the dashboard');
    ok(!(await hp.$('.sidenav .nav-link[data-nav="users"]')), 'a handler has no "users" page in the navigation');

    /* the statistics before */
    await go(hp, '#/stats', 'stats');
    const num = async (sel) => Number((await hp.textContent(sel)).replace(/[^\d]/g, ''));
    const before = { incidents: await num('#kpi-incidents .tile-v'), reports: await num('#kpi-reports .tile-v'), ttr: await num('#kpi-ttr-n'), ttf: await num('#kpi-ttf-n') };

    /* first render of the dashboard: a full page load, measured from navigation start */
    await hp.goto('about:blank');
    await hp.goto(URL0 + '/#/dashboard');
    await hp.waitForSelector('#main[data-rendered="dashboard"]');
    const perf = await hp.evaluate(() => {
        const m = performance.getEntriesByName('hk:dashboard-rendered')[0];
        return { fromNav: m ? m.startTime : null, render: Number(document.getElementById('main').dataset.renderMs) };
    });
    console.log(`# dashboard first render: ${perf.fromNav !== null ? perf.fromNav.toFixed(0) : '?'} ms from navigation start (data fetch + draw ${perf.render.toFixed(0)} ms)`);
    const dashText = await hp.textContent('#main');
    ok(XSS.every((p) => dashText.includes(p)), 'the dashboard lists the payload reports as literal text');
    ok(await noXss(hp), 'nothing executed on the dashboard');
    await shot(hp, 'dashboard');

    /* the queue: select the report, classify, severity by key, triage by key */
    await go(hp, '#/queue?report=' + reportId, 'queue');
    await hp.waitForSelector(`#queue-list li[data-id="${reportId}"].sel`);
    await hp.waitForSelector('#triage-hits .target, #triage-hits .hits-none');
    ok((await hp.textContent('#report-subject')) === subject, 'the queue shows the selected report');
    for (const id of xssIds) {
        await hp.click(`#queue-list li[data-id="${id}"]`);
        await hp.waitForSelector(`#queue-list li[data-id="${id}"].sel`);
        await hp.waitForFunction((i) => document.querySelector('#report-subject') && document.querySelector('#queue-list li.sel')?.dataset.id === String(i) && document.querySelector('#triage-form'), id);
    }
    const qText = await hp.textContent('#main');
    ok(XSS.every((p) => qText.includes(p)), 'the queue shows the payloads as literal text');
    ok((await hp.textContent('#report-content')).includes(XSS[1]), 'the queue shows the payload report text as text');
    ok(await noXss(hp), 'nothing executed on the queue');
    await hp.click(`#queue-list li[data-id="${reportId}"]`);
    await hp.waitForFunction((s) => document.querySelector('#report-subject')?.textContent === s, subject);
    await hp.selectOption('#triage-class', 'information-gathering');
    await hp.selectOption('#triage-type', 'scanner');
    await hp.focus('#report-content');
    await hp.keyboard.press('3'); /* severity: high */
    ok(await hp.isChecked('#seg-severity input[value="high"]'), 'key 3 sets severity high');
    await hp.keyboard.press('n'); /* target: new incident */
    await shot(hp, 'queue');
    await hp.keyboard.press('t'); /* triage */
    await hp.waitForSelector(`#queue-list li[data-id="${reportId}"]`, { state: 'detached' });
    const triaged = await apiJson(hp, '/api/v1/reports/' + reportId);
    const incId = triaged.body && triaged.body.incident_id;
    ok(triaged.status === 200 && incId > 0 && triaged.body.state === 'open' && triaged.body.rsit_type === 'scanner', 'the report was triaged into a new incident', triaged.body && { incId, state: triaged.body.state });

    /* the incident page */
    await go(hp, '#/incidents/' + incId, 'incident');
    ok((await hp.textContent('#inc-title')) === subject, 'incident page shows the title');
    ok((await hp.getAttribute('.inc-badges .st', 'data-state')) === 'triage', 'the new incident is in triage');
    const acts = await hp.$$eval('#inc-actions button[data-action]', (b) => b.map((x) => x.dataset.action));
    ok(JSON.stringify(acts.slice().sort()) === JSON.stringify(['abandon', 'analyse', 'resolve']), 'only the actions valid in triage are offered', acts);
    ok((await hp.textContent('.inc-badges')).includes('High'), 'the incident has the severity chosen in the queue');
    ok((await hp.textContent('#inc-observables')).includes('203.0.113.77'), 'the observables are listed');
    await hp.click('.add-box summary');
    await hp.fill('#inv-party', 'abuse@isp.example');
    await hp.fill('#inv-subject', 'Scanning host 203.0.113.77');
    await hp.fill('#inv-message', 'Please check the host 203.0.113.77 in your network.');
    await hp.click('#inv-submit');
    await hp.waitForSelector('#inc-investigations .inv .msg-out');
    ok((await hp.textContent('#inc-investigations')).includes('abuse@isp.example'), 'an investigation was opened with its first message');
    await hp.fill('#inc-investigations .inv .msg-input', 'The ISP answered: host cleaned.');
    await hp.selectOption('#inc-investigations .inv .msg-form select', 'in');
    await hp.click('#inc-investigations .inv .msg-form button');
    await hp.waitForSelector('#inc-investigations .inv .msg-in');
    ok((await hp.textContent('#inc-investigations .msg-in')).includes('host cleaned'), 'a received message was added to the investigation');
    await hp.fill('#cm-kind', 'block');
    await hp.fill('#cm-desc', 'Block 203.0.113.77 at the border routers');
    await hp.click('#cm-form button');
    await hp.waitForFunction(() => document.querySelector('#inc-cms')?.textContent.includes('border routers'));
    ok(true, 'a countermeasure was added');
    await hp.fill('#task-title', 'Confirm with the ISP that the host is clean');
    await hp.fill('#task-assignee', users.handler[0]);
    await hp.click('#task-form button');
    await hp.waitForSelector('#inc-tasks .task input[type="checkbox"]');
    ok((await hp.textContent('#inc-tasks')).includes('@' + users.handler[0]), 'a task was added with its assignee');
    /* a click, not check(): the page is redrawn from the server's answer at once */
    await hp.click('#inc-tasks .task input[type="checkbox"]');
    await hp.waitForSelector('#inc-tasks .task.done');
    ok(true, 'the task was marked done');
    await hp.waitForSelector('#inc-audit table');
    ok((await hp.textContent('#inc-audit')).includes('incident.state'), 'the audit history is shown');
    await shot(hp, 'incident');

    /* edit: severity and assignee */
    await hp.click('#act-edit');
    await hp.waitForSelector('#edit-form');
    await hp.selectOption('#ed-severity', 'critical');
    await hp.selectOption('#ed-assignee', users.handler[0]);
    await hp.click('#ed-save');
    await hp.waitForSelector('.inc-badges .sev-critical');
    ok((await hp.textContent('.inc-badges')).includes(users.handler[0]), 'the edit form changed the severity and the assignee');

    await hp.click('#act-analyse');
    await hp.waitForSelector('.inc-badges .st[data-state="analysis"]');
    ok(!(await hp.$('#act-analyse')) && !!(await hp.$('#act-mitigate')), 'after analyse, the actions follow the new state');
    await hp.click('#act-resolve');
    await hp.waitForSelector('#resolve-box:not([hidden])');
    await hp.fill('#resolution', 'Host cleaned by the ISP.');
    await hp.click('#act-resolve');
    await hp.waitForSelector('.inc-badges .st[data-state="resolved"]');
    ok(!!(await hp.$('#act-reopen')), 'a resolved incident offers reopen');
    ok(!!(await hp.$('#inc-phases .phase.done[data-phase="resolved_at"] time[datetime$="Z"]')), 'the resolved phase has a timestamp');

    /* a recurrence: a new report about the resolved incident's address waits in the queue
     * with its correlation hit; "a" picks the hit and "t" attaches it */
    await go(hp, '#/submit', 'submit');
    await hp.fill('#rep-subject', `Scanning again from 203.0.113.77 (${stamp})`);
    await hp.fill('#rep-content', `203.0.113.77 is scanning tcp/445 again (${stamp}).`);
    await hp.click('#rep-submit');
    const again = Number(await (await hp.waitForSelector('#submit-ok')).getAttribute('data-report-id'));
    await go(hp, '#/queue?report=' + again, 'queue');
    await hp.waitForSelector(`#queue-list li[data-id="${again}"].sel`);
    await hp.waitForSelector('#triage-correlation');
    const hit = await hp.waitForSelector(`#triage-hits #target-hit-${incId}`);
    ok(!!hit && (await hp.textContent('#triage-hits')).includes('203.0.113.77'), 'the queue shows the correlation hit (the resolved incident sharing the address)');
    await hp.focus('#report-content');
    await hp.keyboard.press('a');
    ok(await hp.isChecked(`#target-hit-${incId}`), 'key a selects the first correlated incident');
    await hp.keyboard.press('t');
    await hp.waitForSelector(`#queue-list li[data-id="${again}"]`, { state: 'detached' });
    const att = await apiJson(hp, '/api/v1/reports/' + again);
    ok(att.body && att.body.incident_id === incId && att.body.state === 'open', 'the report was attached to the existing incident', att.body && { inc: att.body.incident_id, state: att.body.state });

    /* reject with "r r" */
    await go(hp, '#/submit', 'submit');
    await hp.fill('#rep-subject', `Win a prize (${stamp})`);
    await hp.fill('#rep-content', `Not an incident: a newsletter (${stamp}).`);
    await hp.click('#rep-submit');
    const junk = Number(await (await hp.waitForSelector('#submit-ok')).getAttribute('data-report-id'));
    await go(hp, '#/queue?report=' + junk, 'queue');
    await hp.waitForSelector(`#queue-list li[data-id="${junk}"].sel`);
    await hp.waitForSelector('#triage-form');
    await hp.focus('#report-content');
    await hp.keyboard.press('r');
    await hp.waitForSelector('#triage-reject.armed');
    await hp.keyboard.press('r');
    await hp.waitForSelector(`#queue-list li[data-id="${junk}"]`, { state: 'detached' });
    const rj = await apiJson(hp, '/api/v1/reports/' + junk);
    ok(rj.body && rj.body.state === 'rejected', 'r r rejects the report', rj.body && rj.body.state);

    /* the statistics after */
    await go(hp, '#/dashboard', 'dashboard');
    await go(hp, '#/stats', 'stats');
    const after = { incidents: await num('#kpi-incidents .tile-v'), reports: await num('#kpi-reports .tile-v'), ttr: await num('#kpi-ttr-n'), ttf: await num('#kpi-ttf-n') };
    ok(after.incidents === before.incidents + 1, 'statistics: one more incident', { before, after });
    ok(after.ttr === before.ttr + 1, 'statistics: one more resolved incident in the time to resolution', { before, after });
    ok(after.ttf === before.ttf + 1, 'statistics: one more first response', { before, after });
    const chartOk = await hp.$eval('#stats-chart', (i) => i.complete && i.naturalWidth > 0);
    ok(chartOk, 'the statistics chart (chart.svg) loaded');
    const csvHref = await hp.getAttribute('#series-csv', 'href');
    const csv = await hp.evaluate(async (u) => {
        const r = await fetch(u, { credentials: 'same-origin' });
        return { status: r.status, type: r.headers.get('content-type'), head: (await r.text()).split('\n')[0] };
    }, csvHref);
    ok(csv.status === 200 && /csv/.test(csv.type || '') && /^bucket/.test(csv.head), 'the CSV download link answers CSV', csv);
    await shot(hp, 'statistics');

    await go(hp, '#/report', 'report');
    ok((await hp.textContent('#report-doc')).length > 0 && (await hp.$eval('#report-yearly', (i) => new Promise((r) => (i.complete ? r(i.naturalWidth > 0) : (i.onload = () => r(true), i.onerror = () => r(false)))))), 'the management report page renders with its charts');
    await shot(hp, 'report');
    await hp.emulateMedia({ media: 'print' });
    ok(await hp.$eval('.topbar', (e) => getComputedStyle(e).display === 'none'), 'print stylesheet hides the top bar');
    await shot(hp, 'report-print');
    const pdf = path.join(SHOTS, 'report.pdf');
    await hp.pdf({ path: pdf, format: 'A4', printBackground: true });
    ok(fs.statSync(pdf).size > 10000, 'the management report prints to PDF (' + pdf + ')');
    await hp.emulateMedia({ media: 'screen' });

    /* search: free text, observable, keyboard navigation */
    await go(hp, '#/search?q=' + encodeURIComponent(stamp), 'search');
    ok((await hp.textContent('#search-results')).includes(subject), 'free-text search finds the incident');
    await go(hp, '#/search?observable=203.0.113.77', 'search');
    await hp.waitForSelector('#observable-box .obs-summary');
    ok((await hp.textContent('#search-results')).includes(subject), 'observable search finds the incident');
    await hp.keyboard.press('j');
    await hp.keyboard.press('Enter');
    await hp.waitForSelector('#main[data-rendered="incident"]');
    ok(/#\/incidents\/\d+$/.test(hp.url()), 'j + Enter opens the first search result');
    await sortScenario(hp, stamp);

    /* the payloads as an incident title: triage one into a new incident */
    await go(hp, '#/queue?report=' + xssIds[1], 'queue');
    await hp.waitForFunction((i) => document.querySelector('#queue-list li.sel')?.dataset.id === String(i) && document.querySelector('#triage-form'), xssIds[1]);
    await hp.click('#triage-submit');
    await hp.waitForSelector(`#queue-list li[data-id="${xssIds[1]}"]`, { state: 'detached' });
    const xr = await apiJson(hp, '/api/v1/reports/' + xssIds[1]);
    const xInc = xr.body && xr.body.incident_id;
    await go(hp, '#/incidents/' + xInc, 'incident');
    ok((await hp.textContent('#inc-title')) === XSS[1], 'an incident titled with the payload shows it as text');
    await go(hp, '#/search?q=' + encodeURIComponent('onerror'), 'search');
    ok((await hp.textContent('#search-results')).includes(XSS[1]), 'the incident list shows the payload title as text');
    await go(hp, '#/search?kind=reports&q=' + encodeURIComponent(stamp), 'search');
    const repList = await hp.textContent('#search-results');
    ok(XSS.every((p) => repList.includes(p)), 'the report list shows the payloads as text');
    await go(hp, '#/dashboard', 'dashboard');
    ok(await noXss(hp), 'nothing executed on any handler page (window.__xss undefined)');
    ok(dialogs.length === 0, 'no dialog fired', dialogs);
    ok((await hp.$$('img[src="x"]')).length === 0, 'no <img> from the payload exists in the DOM');

    /* session expiry: the cookie is gone (as after the idle timeout) -> back to sign-in */
    await han.context.clearCookies();
    await go(hp, '#/search');
    await hp.waitForSelector('#signin-expired');
    ok(/expired/i.test(await hp.textContent('#signin-expired')), 'an expired session returns to sign-in with a message');
    await han.context.close();

    /* --- vulnerability handling (issue 7): see vulnScenario below --- */
    const vuln = await vulnScenario(browser, stamp);

    /* --- user administration: see usersScenario below --- */
    if (process.env.HK_ADMIN_PW) await usersScenario(browser, stamp);
    else ok(false, 'HK_ADMIN_PW is set for the user administration scenario');

    /* --- Japanese UI --- */
    const jp = await newPage(browser, { locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const jpp = jp.page;
    await jpp.goto(URL0 + '/');
    await jpp.waitForSelector('#signin-form');
    ok((await jpp.textContent('#signin-submit')).trim() === 'サインイン', 'ja-JP: the sign-in page is in Japanese');
    await jpp.fill('#signin-user', users.handler[0]);
    await jpp.fill('#signin-password', users.handler[1]);
    await jpp.click('#signin-submit');
    await jpp.waitForSelector('#main[data-rendered="dashboard"]');
    const jaNav = await jpp.textContent('.sidenav [data-nav="dashboard"] .nav-text');
    ok(jaNav === 'ダッシュボード', 'ja-JP: navigation labels are Japanese', jaNav);
    ok((await jpp.textContent('.sidenav [data-nav="vulns"] .nav-text')) === '脆弱性', 'ja-JP: the vulnerability pages are in the Japanese navigation');
    ok((await jpp.getAttribute('html', 'lang')) === 'ja', 'ja-JP: <html lang="ja">');
    await shot(jpp, 'dashboard-ja');
    await go(jpp, '#/vulns/' + vuln.id, 'vuln');
    ok((await jpp.textContent('.vuln-head .inc-badges [data-state]')) === '公表済み', 'ja-JP: the case page is in Japanese', await jpp.textContent('.vuln-head .inc-badges [data-state]'));
    await shot(jpp, 'vulnerability-ja');
    await go(jpp, '#/dashboard', 'dashboard');
    await jpp.selectOption('#lang-switch', 'en');
    await jpp.waitForFunction(() => document.querySelector('.sidenav [data-nav="dashboard"] .nav-text')?.textContent === 'Dashboard');
    ok(true, 'the language switch changes the UI to English');
    await jpp.reload();
    await jpp.waitForSelector('#main[data-rendered="dashboard"]');
    ok((await jpp.textContent('.sidenav [data-nav="dashboard"] .nav-text')) === 'Dashboard', 'the chosen language is remembered across reloads');
    await jpp.selectOption('#lang-switch', 'ja');
    await jpp.waitForFunction(() => document.querySelector('.sidenav [data-nav="queue"] .nav-text')?.textContent === '報告キュー');
    ok(true, 'switching back to Japanese works');
    await jp.context.close();

    /* --- real idle expiry: a server with --session-idle 2; the UI finds out by itself --- */
    if (process.env.HK_IDLE_URL && process.env.HK_IDLE_PW) {
        const { context, page } = await newPage(browser);
        await page.goto(process.env.HK_IDLE_URL + '/');
        await page.waitForSelector('#signin-form');
        await page.fill('#signin-user', 'admin');
        await page.fill('#signin-password', process.env.HK_IDLE_PW);
        await page.click('#signin-submit');
        /* the dashboard, or already the expiry if this machine is slow; then, without any
         * click, the idle timer (idle_timeout_s + 2 s) asks the server and gets 401 */
        await page.waitForSelector('.app.signed-in, #signin-expired');
        await page.waitForSelector('#signin-expired', { timeout: Math.max(TIMEOUT, 20000) });
        ok(true, 'an idle session expires on the server and the UI returns to sign-in by itself');
        await context.close();
    }

    /* --- sign-in rate limit (last: it counts failures for this address too) --- */
    {
        const { context, page } = await newPage(browser);
        await page.goto(URL0 + '/');
        await page.waitForSelector('#signin-form');
        let limited = false;
        for (let i = 0; i < 8 && !limited; i++) {
            await page.fill('#signin-user', 'e2e-nobody-' + stamp);
            await page.fill('#signin-password', 'wrong-password-' + i);
            await page.click('#signin-submit');
            const el = await page.waitForSelector('#signin-error, #signin-ratelimit');
            limited = (await el.getAttribute('id')) === 'signin-ratelimit';
            if (!limited) await page.waitForSelector('#signin-submit:not([disabled])');
        }
        ok(limited && /\d+/.test(await page.textContent('#signin-ratelimit')), 'repeated failures show the rate-limit message with the wait');
        ok(await page.isDisabled('#signin-submit'), 'the sign-in button waits out the rate limit');
        await context.close();
    }
}

/* =====================================================================================
 * User administration. The admin adds a reporter on the users page and then sets that
 * user's password; the new user signs in with the password set last (not the first) and
 * lands on "submit a report". A handler asking for the page lands on the dashboard.
 * ===================================================================================== */

async function usersScenario(browser, stamp) {
    const adm = await newPage(browser);
    const ap = adm.page;
    await signIn(ap, 'admin', process.env.HK_ADMIN_PW);
    ok(!!(await ap.$('.sidenav .nav-link[data-nav="users"]')), 'the admin has a "users" page in the navigation');
    await go(ap, '#/users', 'users');
    const name = 'e2e-newbie-' + stamp;
    const pw1 = 'first-' + stamp + '-pw', pw2 = 'second-' + stamp + '-pw';
    await ap.fill('#user-add-name', name);
    await ap.selectOption('#user-add-role', 'reporter');
    await ap.fill('#user-add-team', 'e2e-team');
    await ap.fill('#user-add-password', pw1);
    await ap.click('#user-add');
    await ap.waitForSelector(`#user-list .user-pw[data-user="${name}"]`);
    ok((await ap.textContent('#user-list')).includes(name), 'the new user is listed', name);
    await ap.click(`#user-list .user-pw[data-user="${name}"]`);
    await ap.fill('#user-pw', pw2);
    await ap.click('#user-pw-save');
    await ap.waitForSelector('#user-pw-ok');
    ok((await ap.textContent('#user-pw-ok')).includes(name), 'the admin set the new user\'s password');
    await ap.click(`#user-list .user-toggle[data-user="${name}"]`);
    await ap.waitForFunction((n) => /disabled/.test((document.querySelector(`#user-list .user-status[data-user="${n}"]`) || {}).textContent || ''), name);
    ok(true, 'the admin disabled the new user');
    await ap.click(`#user-list .user-toggle[data-user="${name}"]`);
    await ap.waitForFunction((n) => /active/.test((document.querySelector(`#user-list .user-status[data-user="${n}"]`) || {}).textContent || ''), name);
    ok(true, 'and enabled the user again');
    await shot(ap, 'users');
    await adm.context.close();

    const nb = await newPage(browser);
    const np = nb.page;
    await np.goto(URL0 + '/');
    await np.waitForSelector('#signin-form');
    await np.fill('#signin-user', name);
    await np.fill('#signin-password', pw1);
    await np.click('#signin-submit');
    await np.waitForSelector('#signin-error');
    ok(!(await np.$('.app.signed-in')), 'the first password no longer signs the new user in');
    await signIn(np, name, pw2);
    await np.waitForSelector('#main[data-rendered="submit"]');
    ok(/#\/submit$/.test(np.url()), 'the new reporter signs in with the password the admin set and lands on "submit a report"');
    await go(np, '#/users');
    await np.waitForSelector('#main[data-rendered="submit"]');
    ok(!/#\/users$/.test(np.url()), 'a reporter asking for the users page is sent home', np.url());
    await nb.context.close();
}

/* =====================================================================================
 * Vulnerability handling (issue 7; engineer F). A reporter reports a vulnerability
 * through the form (the CVSS vector is checked live by the server) and a second one whose
 * title is an XSS payload; a handler opens the case, triages and coordinates it, adds the
 * two vendor teams t_browser.sh created (HK_VENDORS, type vendor), sets a vendor status
 * and a statement, adds products (a CPE one kept, a purl one removed), a remediation, a
 * CVE/CWE and TLP:CLEAR, sets the embargo date, schedules and publishes it; the
 * advisory's public HTML and CSAF JSON answer without a session; the advisories and
 * assets pages work; the payload title renders as text everywhere.
 * ===================================================================================== */

async function vulnScenario(browser, stamp) {
    const vendors = String(process.env.HK_VENDORS || '').split(',').filter(Boolean);
    ok(vendors.length >= 2, 'two vendor teams were created for the vulnerability scenario (HK_VENDORS)', vendors);
    const vTitle = `Heap overflow in the Router X web admin (${stamp})`;

    /* --- the reporter --- */
    const rep = await newPage(browser);
    const rp = rep.page;
    await signIn(rp, ...users.reporter);
    await rp.waitForSelector('#main[data-rendered="submit"]');
    await go(rp, '#/vuln-report', 'vuln-report');
    await rp.fill('#vr-cvss', 'CVSS:3.1/AV:X/AC:L');
    await rp.waitForSelector('#vr-cvss-msg[data-state="bad"]');
    ok(/AV/.test(await rp.textContent('#vr-cvss-msg')), 'an invalid CVSS vector gets the server\'s message under the field', await rp.textContent('#vr-cvss-msg'));
    await rp.fill('#vr-cvss', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    await rp.waitForSelector('#vr-cvss-msg[data-state="ok"]');
    ok((await rp.textContent('#vr-cvss-msg')).includes('9.8'), 'a valid CVSS vector shows its score', await rp.textContent('#vr-cvss-msg'));
    ok(true, 'a valid CVSS vector is confirmed by the server');
    await shot(rp, 'vuln-report');
    const mine0 = await apiJson(rp, '/api/v1/vulns');
    ok(mine0.status === 200 && mine0.body.items.every((v) => v.title !== vTitle), 'the live CVSS check stored nothing');
    await rp.fill('#vr-title', vTitle);
    await rp.fill('#vr-description', `A long Host header overflows a heap buffer in the admin UI of Router X 2.1 (${stamp}).`);
    await rp.fill('#vr-product', 'Router X');
    await rp.fill('#vr-vendor', 'ACME Corp');
    await rp.fill('#vr-name', 'Erika Reporter');
    await rp.fill('#vr-email', 'erika@example.org');
    await rp.click('#vr-submit');
    const okEl = await rp.waitForSelector('#vr-ok');
    const vId = Number(await okEl.getAttribute('data-vuln-id'));
    const pubId = await okEl.getAttribute('data-public-id');
    ok(vId > 0 && /^HKVU#\d{4}-\d{4,}$/.test(pubId), 'the reporter\'s vulnerability report opened a case with a public ID', pubId);
    ok((await rp.textContent('#vr-ok')).includes('9.8'), 'the confirmation shows the CVSS score');
    await rp.fill('#vr-title', XSS[1]);
    await rp.fill('#vr-description', XSS[0]);
    await rp.click('#vr-submit');
    await rp.waitForFunction((prev) => document.querySelector('#vr-ok') && document.querySelector('#vr-ok').dataset.vulnId !== String(prev), vId);
    const xId = Number(await rp.getAttribute('#vr-ok', 'data-vuln-id'));
    ok(xId > vId, 'a case titled with the XSS payload was accepted as data', xId);
    await go(rp, '#/my-vulns', 'my-vulns');
    const myV = await rp.textContent('#vuln-list');
    ok(myV.includes(vTitle) && myV.includes(pubId) && myV.includes(XSS[1]), 'my vulnerability reports lists both cases, the payload as text');
    await go(rp, '#/vulns/' + vId, 'vuln');
    ok((await rp.textContent('#vuln-title')) === vTitle && !(await rp.$('#vuln-actions')) && !(await rp.$('#vuln-vendors')), 'the reporter sees its case read-only, without vendors or actions');
    ok((await rp.textContent('#vuln-products')).includes('Router X'), 'the product and vendor given in the form became a product of the case');
    await go(rp, '#/vulns/' + xId, 'vuln');
    ok((await rp.textContent('#vuln-title')) === XSS[1] && (await rp.textContent('#vuln-description')) === XSS[0], 'the reporter\'s case page shows the payloads as text');
    ok(await noXss(rp), 'nothing executed on the reporter\'s vulnerability pages');
    await rep.context.close();

    /* --- the handler --- */
    const han = await newPage(browser);
    const hp = han.page;
    await signIn(hp, ...users.handler);
    await hp.waitForSelector('#main[data-rendered="dashboard"]');
    await hp.click('.sidenav [data-nav="vulns"]');
    await hp.waitForSelector('#main[data-rendered="vulns"]');
    const listText = await hp.textContent('#vuln-list');
    ok(listText.includes(vTitle) && listText.includes(XSS[1]), 'the Vulnerabilities list shows the new cases, the payload as text');
    await hp.waitForFunction((id) => /^\d+$/.test(document.getElementById('vendors-' + id)?.textContent || ''), vId);
    await hp.click('#vuln-states [data-state="received"]');
    await hp.waitForSelector('#main[data-rendered="vulns"] #vuln-states .tab.active[data-state="received"]');
    const states = await hp.$$eval('#vuln-list tbody [data-state]', (b) => b.map((x) => x.dataset.state));
    ok(states.length > 0 && states.every((s) => s === 'received'), 'the state filter shows only received cases', states);
    await shot(hp, 'vulnerabilities');

    await go(hp, '#/vulns/' + vId, 'vuln');
    ok((await hp.textContent('#vuln-title')) === vTitle && (await hp.textContent('#vuln-public-id')) === pubId, 'the case page shows the title and public ID');
    const acts = async () => (await hp.$$eval('#vuln-actions button[data-action]', (b) => b.map((x) => x.dataset.action))).filter((a) => a !== 'edit').sort();
    ok(JSON.stringify(await acts()) === JSON.stringify(['reject', 'triage']), 'a received case offers only triage and reject', await acts());
    const stateIs = (s) => hp.waitForSelector(`.vuln-head .inc-badges [data-state="${s}"]`);
    await hp.click('#vact-triage');
    await stateIs('triage');
    await hp.click('#vact-coordinate');
    await stateIs('coordinating');
    ok(JSON.stringify(await acts()) === JSON.stringify(['reject', 'schedule']), 'a coordinating case offers schedule and reject', await acts());

    /* the page is redrawn from each change's answer: data-drawn counts the redraws */
    const drawn = () => hp.getAttribute('#main', 'data-drawn');
    const redrawn = (before) => hp.waitForFunction((b) => document.querySelector('#main[data-rendered="vuln"]')?.dataset.drawn !== b, before);
    for (const v of vendors.slice(0, 2)) {
        await hp.waitForSelector(`#vendor-team option[value="${v}"]`, { state: 'attached' });
        await hp.selectOption('#vendor-team', v);
        await hp.click('#vendor-add');
        await hp.waitForSelector(`#vuln-vendors tr[data-team="${v}"]`);
    }
    ok((await hp.$$('#vuln-vendors tbody tr[data-team]')).length === 2, 'two vendors were added to the case');
    /* waits until the server's copy of vendor team has member key = value */
    const vendorHas = (team, key, value) =>
        hp.waitForFunction(
            async ([id, tm, k, val]) => {
                const r = await fetch('/api/v1/vulns/' + id, { credentials: 'same-origin' });
                return r.ok && (await r.json()).vendors.some((x) => x.team === tm && x[k] === val);
            },
            [vId, team, key, value],
            { polling: 200 },
        );
    let d0 = await drawn();
    await hp.selectOption(`#vuln-vendors tr[data-team="${vendors[0]}"] select.vendor-status`, 'affected');
    await redrawn(d0);
    await vendorHas(vendors[0], 'status', 'affected');
    d0 = await drawn();
    await hp.fill(`#vuln-vendors tr[data-team="${vendors[1]}"] .vendor-statement`, 'Under review by our PSIRT.');
    await hp.click(`#vuln-vendors tr[data-team="${vendors[1]}"] .stmt-form button`);
    await redrawn(d0);
    await vendorHas(vendors[1], 'statement', 'Under review by our PSIRT.');
    ok((await hp.inputValue(`#vuln-vendors tr[data-team="${vendors[0]}"] select.vendor-status`)) === 'affected', 'the redrawn vendor table shows the saved status');
    ok(true, 'a vendor status and a vendor statement were saved');

    const addProduct = async (vendor, product, versions, ident) => {
        const n = (await hp.$$('#vuln-products .product-remove')).length;
        await hp.fill('#prod-vendor', vendor);
        await hp.fill('#prod-product', product);
        await hp.fill('#prod-versions', versions);
        await hp.fill('#prod-ident', ident);
        await hp.click('#product-add');
        await hp.waitForFunction((k) => document.querySelectorAll('#vuln-products .product-remove').length === k, n + 1);
    };
    await addProduct('ACME Corp', 'Router X firmware', '2.1', 'cpe:2.3:o:acme:router_x_firmware:2.1:*:*:*:*:*:*:*');
    await addProduct('ACME Corp', 'Router X UI', '2.1.0', 'pkg:npm/router-x-ui@2.1.0');
    const prodText = await hp.textContent('#vuln-products');
    ok(prodText.includes('cpe:2.3:o:acme:router_x_firmware:2.1') && prodText.includes('pkg:npm/router-x-ui'), 'products were added with a CPE and a purl');
    const nBefore = (await hp.$$('#vuln-products .product-remove')).length;
    const rows = await hp.$$('#vuln-products tbody tr');
    await (await rows[rows.length - 1].$('.product-remove')).click();
    await hp.waitForFunction((k) => document.querySelectorAll('#vuln-products .product-remove').length === k, nBefore - 1);
    ok(!(await hp.textContent('#vuln-products')).includes('pkg:npm/router-x-ui'), 'a product was removed');

    await hp.selectOption('#rem-category', 'vendor_fix');
    await hp.fill('#rem-details', 'Update the firmware to 2.2.');
    await hp.fill('#rem-url', 'https://acme.example/security/2');
    await hp.click('#rem-add');
    await hp.waitForSelector('#vuln-remediations .remed');
    ok((await hp.textContent('#vuln-remediations')).includes('2.2'), 'a remediation was added');

    const cve = 'CVE-2026-' + (50000 + Math.floor(Math.random() * 40000));
    await hp.click('#vact-edit');
    await hp.waitForSelector('#vuln-edit-form');
    await hp.fill('#ve-cves', cve);
    await hp.fill('#ve-cwes', 'CWE-122');
    await hp.selectOption('#ve-tlp', 'CLEAR');
    await hp.click('#ve-save');
    await hp.waitForSelector('#vuln-cves');
    ok((await hp.textContent('#vuln-cves')) === cve && (await hp.textContent('#vuln-cwes')) === 'CWE-122', 'the CVE and CWE ids were saved');
    ok((await hp.textContent('#vuln-cvss')).includes('9.8'), 'the CVSS vector is listed with its score');

    /* the embargo: a week from now at 09:00 local time */
    const local = await hp.evaluate(() => {
        const d = new Date(Date.now() + 7 * 86400e3);
        const p = (n) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T09:00`;
    });
    const utc = await hp.evaluate((l) => new Date(l).toISOString().replace(/\.\d{3}Z$/, 'Z'), local);
    d0 = await drawn();
    await hp.fill('#embargo-date', local);
    await hp.click('#embargo-set');
    await redrawn(d0);
    await hp.waitForSelector('#vuln-embargo strong');
    const afterEmb = await apiJson(hp, '/api/v1/vulns/' + vId);
    ok(afterEmb.body && afterEmb.body.publish_at === utc, 'the embargo date was saved (as UTC)', afterEmb.body && [afterEmb.body.publish_at, utc]);

    await hp.click('#vact-schedule');
    await hp.waitForSelector('#vact-date');
    ok((await hp.inputValue('#vact-date')) === local, 'the schedule box proposes the embargo date');
    await hp.click('#vact-schedule-ok');
    await stateIs('scheduled');
    ok(JSON.stringify(await acts()) === JSON.stringify(['coordinate', 'publish', 'reject']), 'a scheduled case offers publish, back to coordinating and reject', await acts());
    const preview = await hp.getAttribute('#vuln-csaf', 'href');
    const pv = await apiJson(hp, preview);
    ok(pv.status === 200 && pv.body.document && pv.body.document.tracking.id === pubId, 'the CSAF preview link answers the document', pv.status);

    /* the embargo holds: the API refuses a plain publish naming the date; the confirmation says
       so and needs a reason, sent as an early lift */
    const refused = await hp.evaluate(async (u) => {
        const s = await (await fetch('/api/v1/session', { credentials: 'same-origin' })).json();
        const r = await fetch(u, { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': s.csrf || '' } });
        return { status: r.status, body: await r.json().catch(() => null) };
    }, '/api/v1/vulns/' + vId + '/publish');
    ok(refused.status === 409 && JSON.stringify(refused.body).includes(utc), 'publishing before the agreed date is refused (409) naming it', refused);
    await hp.click('#vact-publish');
    await hp.waitForSelector('#vact-embargo-note');
    ok((await hp.textContent('#vact-embargo-note')).includes(utc), 'the publish confirmation names the agreed date', await hp.textContent('#vact-embargo-note'));
    await hp.click('#vact-publish-ok');
    ok((await hp.evaluate(() => document.activeElement && document.activeElement.id)) === 'vact-early-reason' && (await apiJson(hp, '/api/v1/vulns/' + vId)).body.state === 'scheduled', 'without a reason nothing is sent (the reason field asks for it)');
    await hp.fill('#vact-early-reason', 'Exploited in the wild; the vendor agreed.');
    await hp.click('#vact-publish-ok');
    await stateIs('published');
    await hp.waitForSelector('#adv-html');
    ok(!(await hp.$('#vact-edit')) && !(await hp.$('#product-form')), 'a published case is read-only');
    const htmlHref = await hp.getAttribute('#adv-html', 'href');
    const jsonHref = await hp.getAttribute('#adv-json', 'href');
    /* from Node, without the session: the TLP:CLEAR files are public */
    const rh = await fetch(URL0 + htmlHref);
    const htmlBody = await rh.text();
    ok(rh.status === 200 && /text\/html/.test(rh.headers.get('content-type') || '') && htmlBody.includes('Router X'), 'the advisory HTML link answers publicly', [htmlHref, rh.status]);
    const rj = await fetch(URL0 + jsonHref);
    const doc = rj.status === 200 ? await rj.json() : null;
    ok(doc && doc.document.tracking.id === pubId && doc.vulnerabilities[0].cve === cve, 'the advisory CSAF JSON link answers publicly with the case', [jsonHref, rj.status]);
    await hp.waitForSelector('#vuln-audit table');
    const audit = await hp.textContent('#vuln-audit');
    ok(['vcase.vendor', 'vcase.product', 'vcase.embargo', 'vcase.state'].every((a) => audit.includes(a)), 'the audit history lists the vendor, product, embargo and state changes');
    ok(audit.includes('vcase.embargo_lifted') && audit.includes('Exploited in the wild; the vendor agreed.'), 'the audit history lists the early lift of the embargo with its reason', audit.slice(0, 400));
    await shot(hp, 'vulnerability');

    await hp.click('.sidenav [data-nav="advisories"]');
    await hp.waitForSelector('#main[data-rendered="advisories"]');
    ok((await hp.textContent('#advisory-list')).includes(pubId), 'the advisories page lists the published advisory');
    const advHtml = await hp.$$eval('#advisory-list a.adv-html', (a) => a.map((x) => x.getAttribute('href')));
    ok(advHtml.includes(htmlHref), 'the advisories page links the public HTML', advHtml);
    await shot(hp, 'advisories');

    await go(hp, '#/assets', 'assets');
    const assetCpe = `cpe:2.3:a:e2e_${stamp}:thing:1.0:*:*:*:*:*:*:*`;
    await hp.selectOption('#asset-add-team', vendors[0]);
    await hp.fill('#asset-ident', assetCpe);
    await hp.fill('#asset-label', 'e2e asset');
    await hp.click('#asset-add');
    await hp.waitForFunction((n) => document.querySelector('#asset-list')?.textContent.includes(n), assetCpe);
    ok(true, 'an asset was registered by CPE');
    await hp.fill('#asset-ident', 'pkg:npm/e2e-' + stamp + '@1.2.3');
    await hp.click('#asset-add');
    await hp.waitForFunction((n) => document.querySelector('#asset-list')?.textContent.includes(n), 'pkg:npm/e2e-' + stamp + '@1.2.3');
    ok(true, 'an asset was registered by purl');
    await shot(hp, 'assets');
    const assetRow = await hp.$(`#asset-list tr:has-text("${assetCpe}") .asset-remove`);
    await assetRow.click();
    await hp.waitForFunction((n) => !document.querySelector('#asset-list')?.textContent.includes(n), assetCpe);
    const assetsLeft = await apiJson(hp, '/api/v1/assets?team=' + encodeURIComponent(vendors[0]));
    ok(assetsLeft.body && !assetsLeft.body.items.some((a) => a.name === assetCpe) && assetsLeft.body.items.some((a) => a.kind === 'purl'), 'an asset was removed');

    await go(hp, '#/vulns/' + xId, 'vuln');
    ok((await hp.textContent('#vuln-title')) === XSS[1] && (await hp.textContent('#vuln-description')) === XSS[0], 'the handler\'s case page shows the payloads as text');
    await go(hp, '#/vulns', 'vulns');
    ok((await hp.textContent('#vuln-list')).includes(XSS[1]), 'the case list shows the payload title as text');
    await go(hp, '#/vulns?state=published', 'vulns');
    const pubList = await hp.textContent('#vuln-list');
    ok(pubList.includes(pubId) && !pubList.includes(XSS[1]), 'the "published" filter lists the published case and not the received one');
    ok(await noXss(hp), 'nothing executed on the vulnerability pages');
    ok((await hp.$$('img[src="x"]')).length === 0, 'no <img> from the payload exists on the vulnerability pages');
    await han.context.close();
    return { id: vId };
}

main()
    .catch((e) => {
        failed++;
        console.log('FAIL - exception: ' + (e && e.stack ? e.stack : e));
    })
    .finally(() => {
        console.log(`${passed} passed, ${failed} failed`);
        process.exit(failed ? 1 : 0);
    });
