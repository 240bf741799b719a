// SPDX-License-Identifier: MIT
//
// Shared UI pieces: state/severity/TLP badges (one colour scheme everywhere), cards,
// sortable tables with keyboard selection, toasts, the shortcut help dialog, loading
// and error placeholders. All text goes in as text nodes (see dom.js).

import { h, s, replace } from './dom.js';
import { t, label, num } from './i18n.js';

export function stateBadge(state) {
    return h('span', { class: 'badge st st-' + (state || 'none'), dataset: { state: state || '' } }, label('state', state));
}

export function sevBadge(sev) {
    return h('span', { class: 'badge sev sev-' + (sev || 'none') }, label('severity', sev));
}

/* TLP 2.0 badge in the official colours (FIRST): coloured text on black. */
export function tlpBadge(tlp) {
    if (!tlp) return h('span', { class: 'muted' }, '—');
    const cls = 'tlp-' + String(tlp).toLowerCase().replace('+', '-');
    return h('span', { class: 'badge tlp ' + cls, title: t('tlp.' + tlp) }, 'TLP:' + tlp);
}

export function classLabel(cls, type) {
    if (!cls) return h('span', { class: 'muted' }, t('common.unclassified'));
    return h('span', { class: 'cls' }, label('class', cls), type ? h('span', { class: 'cls-type' }, ' / ' + type) : null);
}

export function idLink(kind, id) {
    const href = kind === 'incident' ? '#/incidents/' + id : '#/reports/' + id;
    return h('a', { href, class: 'id-link' }, '#' + id);
}

/* A labelled form field: the label, an optional hint, the input, and an optional element
 * after it (a live message). opts: wide, hint, after. */
export function field(labelText, input, opts = {}) {
    return h('div', { class: ['field', opts.wide ? 'wide' : null] }, h('label', { for: input.id }, labelText), opts.hint ? h('p', { class: 'hint' }, opts.hint) : null, input, opts.after || null);
}

export function card(title, body, opts = {}) {
    return h(
        'section',
        { class: ['card', opts.class], 'aria-label': typeof title === 'string' ? title : null },
        title || opts.actions
            ? h('header', { class: 'card-h' }, h('h2', null, title), opts.actions ? h('div', { class: 'card-actions' }, opts.actions) : null)
            : null,
        h('div', { class: ['card-b', opts.flush ? 'flush' : null] }, body),
    );
}

export function loading() {
    return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner' }), t('common.loading'));
}

export function errorBox(err) {
    return h('div', { class: 'alert alert-err', role: 'alert' }, err && err.message ? err.message : String(err));
}

export function empty(text) {
    return h('div', { class: 'empty' }, text || t('common.none'));
}

export function pageHeader(title, ...extra) {
    return h('div', { class: 'page-h' }, h('h1', null, title), h('div', { class: 'page-h-extra' }, extra));
}

/*
 * A table. columns: [{key, label, num, render(row) -> node|string, sort(row) -> value,
 * cls, sortable}], rows. opts: {onOpen(row), rowClass(row), sort: {key, dir},
 * onSort(key, dir) (server-side sort; otherwise rows are sorted here), serverSort: {keys,
 * fn(key, dir)} (only these columns are the server's), caption}.
 * Returns {el, list} where list drives j/k/Enter selection.
 */
export function table(columns, rows, opts = {}) {
    let sortKey = opts.sort ? opts.sort.key : null;
    let sortDir = opts.sort ? opts.sort.dir : 'desc';
    const tbody = h('tbody');
    const thead = h('thead');
    const el = h('table', { class: ['tbl', opts.class] }, opts.caption ? h('caption', null, opts.caption) : null, thead, tbody);
    let current = rows.slice();
    const list = selectable(tbody, opts.onOpen);

    function sorted() {
        if (!sortKey || opts.onSort || (opts.serverSort && opts.serverSort.keys.includes(sortKey))) return rows.slice();
        const col = columns.find((c) => c.key === sortKey);
        const key = col && col.sort ? col.sort : (r) => r[sortKey];
        const out = rows.slice();
        out.sort((a, b) => {
            const x = key(a), y = key(b);
            let c;
            if (typeof x === 'number' && typeof y === 'number') c = x - y;
            else c = String(x ?? '').localeCompare(String(y ?? ''), undefined, { numeric: true });
            return sortDir === 'asc' ? c : -c;
        });
        return out;
    }

    function drawHead() {
        const tr = h('tr');
        for (const c of columns) {
            const can = c.sortable !== false && opts.sortable !== false;
            const active = sortKey === c.key;
            const th = h('th', {
                class: [c.num ? 'num' : null, c.cls, can ? 'sortable' : null, active ? 'sorted' : null],
                scope: 'col',
                'aria-sort': active ? (sortDir === 'asc' ? 'ascending' : 'descending') : null,
            });
            if (can) {
                const b = h(
                    'button',
                    { type: 'button', class: 'th-btn', dataset: { sort: c.key } },
                    c.label,
                    h('span', { class: 'sort-ind', 'aria-hidden': 'true' }, active ? (sortDir === 'asc' ? '▲' : '▼') : ''),
                );
                b.addEventListener('click', () => {
                    if (opts.serverSort && opts.serverSort.keys.includes(c.key)) {
                        opts.serverSort.fn(c.key, active && sortDir === 'desc' ? 'asc' : 'desc');
                        return;
                    }
                    if (sortKey === c.key) sortDir = sortDir === 'asc' ? 'desc' : 'asc';
                    else {
                        sortKey = c.key;
                        sortDir = c.num || c.key === 'id' ? 'desc' : 'asc';
                    }
                    if (opts.onSort) opts.onSort(sortKey, sortDir);
                    else draw();
                });
                th.appendChild(b);
            } else {
                th.appendChild(document.createTextNode(c.label));
            }
            tr.appendChild(th);
        }
        replace(thead, tr);
    }

    function drawBody() {
        current = sorted();
        const trs = current.map((r) => {
            const tr = h('tr', { class: opts.rowClass ? opts.rowClass(r) : null });
            for (const c of columns) {
                const v = c.render ? c.render(r) : r[c.key];
                tr.appendChild(h('td', { class: [c.num ? 'num' : null, c.cls] }, v === null || v === undefined || v === '' ? '—' : v));
            }
            if (opts.onOpen) {
                tr.classList.add('clickable');
                tr.addEventListener('click', (ev) => {
                    if (ev.target.closest('a,button,input,select')) return;
                    opts.onOpen(r);
                });
            }
            tr._row = r;
            return tr;
        });
        replace(tbody, trs);
        if (!rows.length) {
            tbody.appendChild(h('tr', { class: 'empty-row' }, h('td', { colspan: columns.length }, opts.empty || t('common.none'))));
        }
        list.reset();
    }

    function draw() {
        drawHead();
        drawBody();
    }
    draw();
    return { el, list };
}

/* j/k/Enter selection over the rows of a tbody. */
export function selectable(tbody, onOpen) {
    let idx = -1;
    const rows = () => Array.from(tbody.children).filter((r) => r._row);
    function mark() {
        rows().forEach((r, i) => {
            r.classList.toggle('sel', i === idx);
            if (i === idx) r.setAttribute('aria-selected', 'true');
            else r.removeAttribute('aria-selected');
        });
        const r = rows()[idx];
        if (r) r.scrollIntoView({ block: 'nearest' });
    }
    return {
        reset() {
            idx = -1;
            mark();
        },
        move(d) {
            const n = rows().length;
            if (!n) return;
            idx = idx < 0 ? (d > 0 ? 0 : n - 1) : Math.max(0, Math.min(n - 1, idx + d));
            mark();
        },
        open() {
            const r = rows()[idx];
            if (r && onOpen) onOpen(r._row);
        },
        current() {
            const r = rows()[idx];
            return r ? r._row : null;
        },
        /* The standard list keys; returns true when the key was used. */
        key(ev) {
            if (ev.key === 'j' || ev.key === 'ArrowDown') this.move(1);
            else if (ev.key === 'k' || ev.key === 'ArrowUp') this.move(-1);
            else if (ev.key === 'Enter' && idx >= 0) this.open();
            else return false;
            return true;
        },
    };
}

let toastBox = null;
export function toast(text, kind = 'ok', link) {
    if (!toastBox || !toastBox.isConnected) {
        toastBox = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
        document.body.appendChild(toastBox);
    }
    const el = h('div', { class: 'toast toast-' + kind }, text, link ? [' ', link] : null);
    toastBox.appendChild(el);
    setTimeout(() => el.remove(), kind === 'err' ? 8000 : 4500);
}

/* The keyboard help dialog ("?"). keys: [[key, description], ...] */
export function showHelp(keys) {
    const old = document.getElementById('hk-help');
    if (old) {
        old.close();
        old.remove();
        return;
    }
    const dlg = h(
        'dialog',
        { id: 'hk-help', class: 'help-dlg', 'aria-labelledby': 'hk-help-t' },
        h('h2', { id: 'hk-help-t' }, t('help.title')),
        h('table', { class: 'keys' }, h('tbody', null, keys.map(([k, d]) => h('tr', null, h('td', null, h('kbd', null, k)), h('td', null, d))))),
        h('form', { method: 'dialog', class: 'dlg-actions' }, h('button', { class: 'btn', type: 'submit' }, t('common.close'))),
    );
    dlg.addEventListener('close', () => dlg.remove());
    document.body.appendChild(dlg);
    dlg.showModal();
}

/* A small horizontal bar list: [{label(node|string), value, cls}] */
export function barList(items, opts = {}) {
    const max = Math.max(1, ...items.map((i) => i.value));
    if (!items.length) return empty(opts.empty);
    return h(
        'ul',
        { class: 'bars' },
        items.map((i) =>
            h(
                'li',
                { class: 'bar-row' },
                h('span', { class: 'bar-label' }, i.href ? h('a', { href: i.href }, i.label) : i.label),
                h('span', { class: 'bar-track' }, barFill(i.value / max, i.cls)),
                h('span', { class: 'bar-val num' }, num(i.value)),
            ),
        ),
    );
}

/* The bar fill is an SVG so its width needs no inline style (CSP: style-src 'self'). */
function barFill(frac, cls) {
    const w = Math.max(0, Math.min(100, frac * 100));
    return s('svg', { class: 'bar-svg', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
        s('rect', { x: 0, y: 0, width: w.toFixed(2), height: 10, class: ['bar-fill', cls] }));
}

export function kv(pairs) {
    return h('dl', { class: 'kv' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v === null || v === undefined || v === '' ? '—' : v)]));
}
