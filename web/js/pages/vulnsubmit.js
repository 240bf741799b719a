// SPDX-License-Identifier: MIT
//
// Report a vulnerability (#/vuln-report): the intake form of issue 7, for reporters (who
// may be outside the team) and staff. Title, description, the product and its vendor as
// free text, an optional CVSS vector and the reporter's contact. POST /api/v1/vulns.
// The CVSS vector is checked live by the server (GET /api/v1/cvss?vector=): the answer is
// its score and severity, or the parser's error naming the metric.

import { h, replace } from '../dom.js';
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { pageHeader, card, field, toast } from '../ui.js';
import { cvssBadge } from '../vuln-ui.js';

/* "cvss[0]: CVSS:3.1/AV:X: metric AV has no value 'X' ..." -> the part after the vector. */
function cvssMessage(msg, vec) {
    let m = String(msg || '').replace(/^cvss\[\d+\]:\s*/, '');
    if (vec && m.startsWith(vec + ': ')) m = m.slice(vec.length + 2);
    return m;
}

export async function render(ctx) {
    const { main } = ctx;
    const title = h('input', { id: 'vr-title', maxlength: 500, required: true, placeholder: t('vr.titlePh') });
    const desc = h('textarea', { id: 'vr-description', rows: 10, placeholder: t('vr.descriptionPh') });
    const product = h('input', { id: 'vr-product', maxlength: 200, placeholder: t('vr.productPh') });
    const vendor = h('input', { id: 'vr-vendor', maxlength: 200, placeholder: t('vr.vendorPh') });
    const cvss = h('input', { id: 'vr-cvss', class: 'mono', maxlength: 300, placeholder: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', spellcheck: 'false', autocomplete: 'off' });
    const cvssMsg = h('div', { id: 'vr-cvss-msg', class: 'field-msg', 'aria-live': 'polite' });
    const name = h('input', { id: 'vr-name', maxlength: 200, autocomplete: 'name' });
    const email = h('input', { id: 'vr-email', type: 'email', maxlength: 200, autocomplete: 'email', placeholder: 'name@example.org' });
    const org = h('input', { id: 'vr-org', maxlength: 200, autocomplete: 'organization' });
    const result = h('div', { id: 'vr-result', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'vr-submit' }, t('vr.send'));

    /* live CVSS check: debounced, the newest answer wins */
    let timer = 0;
    let seq = 0;
    function showCvss(state, text) {
        cvssMsg.className = 'field-msg' + (state ? ' field-' + state : '');
        cvssMsg.dataset.state = state || '';
        replace(cvssMsg, text || '');
        cvss.setAttribute('aria-invalid', state === 'bad' ? 'true' : 'false');
    }
    async function checkCvss() {
        const v = cvss.value.trim();
        const my = ++seq;
        if (!v) return showCvss('', '');
        showCvss('wait', t('vr.cvssChecking'));
        try {
            const r = await get('/api/v1/cvss', { vector: v });
            if (my !== seq || !ctx.alive()) return;
            showCvss('ok', t('vr.cvssValid') + ' ' + Number(r.score).toFixed(1) + ' ' + r.severity + ' (CVSS ' + r.version + ')');
        } catch (e) {
            if (my !== seq || !ctx.alive()) return;
            if (e.status === 400 || e.status === 413) showCvss('bad', cvssMessage(e.message, v));
            else showCvss('', '');
        }
    }
    cvss.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(checkCvss, 300);
    });

    const form = h(
        'form',
        { class: 'stack-form vr-form', id: 'vr-form' },
        h('h3', { class: 'form-sec' }, t('vr.secVuln')),
        field(t('vr.title'), title),
        field(t('vr.description'), desc, { hint: t('vr.descriptionHint') }),
        h('div', { class: 'form-row' }, field(t('vr.product'), product), field(t('vr.vendor'), vendor)),
        field(t('vr.cvss'), cvss, { hint: t('vr.cvssHint'), after: cvssMsg }),
        h('h3', { class: 'form-sec' }, t('vr.secContact')),
        h('p', { class: 'hint' }, t('vr.contactHint')),
        h('div', { class: 'form-row' }, field(t('vr.name'), name), field(t('vr.email'), email)),
        field(t('vr.org'), org),
        h('div', { class: 'form-actions' }, btn),
        result,
    );
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        replace(result);
        if (!title.value.trim()) {
            replace(result, h('div', { class: 'alert alert-err' }, t('vr.needTitle')));
            title.focus();
            return;
        }
        const lines = [];
        const pv = product.value.trim(), vv = vendor.value.trim();
        const body = { title: title.value.trim() };
        /* a product with its vendor is a product of the case; otherwise the free text goes
         * into the description, for the handler to sort out */
        if (pv && vv) body.products = [{ vendor: vv, product: pv }];
        else {
            if (pv) lines.push(t('vr.product') + ': ' + pv);
            if (vv) lines.push(t('vr.vendor') + ': ' + vv);
        }
        const d = [desc.value.trim(), lines.join('\n')].filter(Boolean).join('\n\n');
        if (d) body.description = d;
        if (cvss.value.trim()) body.cvss = [cvss.value.trim()];
        const rep = {};
        if (name.value.trim()) rep.name = name.value.trim();
        if (email.value.trim()) rep.email = email.value.trim();
        if (org.value.trim()) rep.organisation = org.value.trim();
        if (Object.keys(rep).length) body.reporter = rep;
        btn.disabled = true;
        try {
            const v = await post('/api/v1/vulns', body);
            if (!ctx.alive()) return;
            const score = (v.cvss || [])[0];
            replace(
                result,
                h(
                    'div',
                    { class: 'alert alert-ok', id: 'vr-ok', dataset: { vulnId: v.id, publicId: v.public_id } },
                    t('vr.thanks', { id: v.public_id }),
                    score ? [' ', cvssBadge(score)] : null,
                    ' ',
                    h('a', { href: '#/vulns/' + v.id }, t('vr.view')),
                ),
            );
            toast(t('vr.thanks', { id: v.public_id }), 'ok');
            for (const el of [title, desc, product, vendor, cvss]) el.value = '';
            showCvss('', '');
        } catch (e) {
            replace(result, h('div', { class: 'alert alert-err', id: 'vr-error' }, e.message));
            if (/^cvss\b/.test(e.message)) {
                showCvss('bad', cvssMessage(e.message, cvss.value.trim()));
                cvss.focus();
            }
        } finally {
            btn.disabled = false;
        }
    });
    replace(main, pageHeader(t('nav.vulnReport')), h('div', { class: 'narrow' }, card(null, [h('p', { class: 'lead' }, t('vr.lead')), form])));
    main.dataset.rendered = 'vuln-report';
    title.focus();
}
