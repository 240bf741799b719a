// SPDX-License-Identifier: MIT
//
// DOM helpers for the hikeshi web UI. Every string that reaches the page goes through
// document.createTextNode or textContent: nothing here (or anywhere in web/) assigns
// HTML markup, so user-supplied text (report content, titles, e-mail bodies) can never
// become markup or script. Attributes are set one by one with setAttribute; event
// handlers are functions, never strings.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) {
        for (const c of child) append(el, c);
        return;
    }
    if (child instanceof Node) {
        el.appendChild(child);
        return;
    }
    el.appendChild(document.createTextNode(String(child)));
}

function setAttrs(el, attrs) {
    if (!attrs) return;
    for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') {
            el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
        } else if (k === 'text') {
            el.textContent = String(v);
        } else if (k === 'on') {
            for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
        } else if (k === 'dataset') {
            for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
        } else if (k === 'value' && 'value' in el) {
            el.value = String(v);
        } else if (k === 'checked' || k === 'selected' || k === 'disabled') {
            el[k] = Boolean(v);
        } else if (v === true) {
            el.setAttribute(k, '');
        } else {
            el.setAttribute(k, String(v));
        }
    }
}

/* h('a', {href: '#/x', class: 'link'}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
}

/* The same for SVG elements (charts drawn from JSON). */
export function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
}

export function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
}

export function replace(el, ...children) {
    clear(el);
    append(el, children);
    return el;
}

/* Is the keyboard focus in a text field (where page shortcuts must not fire)? */
export function typing(ev) {
    const t = ev.target;
    if (!t || !t.tagName) return false;
    const tag = t.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || t.isContentEditable;
}

/* An <option> list from [value, label] pairs or plain strings. */
export function options(list, selected) {
    return list.map((o) => {
        const [v, l] = Array.isArray(o) ? o : [o, o];
        return h('option', { value: v, selected: String(v) === String(selected ?? '') }, l);
    });
}

/* Parses "a=1&b=2" into an object (empty values dropped). */
export function parseQuery(q) {
    const out = {};
    for (const [k, v] of new URLSearchParams(q || '')) if (v !== '') out[k] = v;
    return out;
}

export function buildQuery(obj) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj || {})) {
        if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
    }
    const q = p.toString();
    return q ? '?' + q : '';
}
