// SPDX-License-Identifier: MIT
//
// Your account (#/account, from the user name in the top bar): change your password. The
// current password is asked again (a session left open on a shared screen is not enough to
// take the account); the new one twice. POST /api/v1/account/password: the server ends
// your other browser sessions and keeps this one.

import { h, replace } from '../dom.js';
import { post } from '../api.js';
import { t } from '../i18n.js';
import { pageHeader, card, field, toast } from '../ui.js';

export async function render(ctx) {
    const { main, user } = ctx;
    const cur = h('input', { id: 'acct-current', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 });
    const pw1 = h('input', { id: 'acct-new', type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 1024 });
    const pw2 = h('input', { id: 'acct-confirm', type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 1024 });
    const result = h('div', { id: 'acct-result', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'acct-save' }, t('acct.save'));
    const form = h(
        'form',
        { class: 'stack-form', id: 'acct-form' },
        h('h3', { class: 'form-sec' }, t('acct.password')),
        field(t('acct.current'), cur),
        field(t('acct.new'), pw1, { hint: t('acct.newHint') }),
        field(t('acct.confirm'), pw2),
        h('div', { class: 'form-actions' }, btn),
        result,
    );
    function fail(text, focus) {
        replace(result, h('div', { class: 'alert alert-err', id: 'acct-error' }, text));
        if (focus) focus.focus();
    }
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        replace(result);
        if (pw1.value.length < 8) return fail(t('acct.short'), pw1);
        if (pw1.value !== pw2.value) return fail(t('acct.mismatch'), pw2);
        btn.disabled = true;
        try {
            const r = await post('/api/v1/account/password', { current: cur.value, password: pw1.value });
            if (!ctx.alive()) return;
            replace(result, h('div', { class: 'alert alert-ok', id: 'acct-ok' }, t('acct.done', { n: (r && r.sessions_ended) || 0 })));
            toast(t('acct.changed'), 'ok');
            for (const el of [cur, pw1, pw2]) el.value = '';
        } catch (e) {
            if (!ctx.alive()) return;
            fail(e.status === 403 && /current password/.test(e.message) ? t('acct.wrongCurrent') : e.message, cur);
        } finally {
            btn.disabled = false;
        }
    });
    ctx.setTitle(t('acct.title'));
    replace(
        main,
        pageHeader(t('acct.title')),
        h(
            'div',
            { class: 'narrow' },
            card(null, [h('p', { class: 'lead' }, user.name + ' · ' + t('role.' + user.role)), form]),
        ),
    );
    main.dataset.rendered = 'account';
}
