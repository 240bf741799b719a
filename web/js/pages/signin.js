// SPDX-License-Identifier: MIT
//
// The sign-in page: user name and password -> POST /api/v1/session (the server sets the
// HttpOnly session cookie and answers the CSRF token). Wrong credentials and the rate
// limit (429 + Retry-After) are shown as messages; so is the reason we are here (session
// expired, signed out).

import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { t } from '../i18n.js';

export function render({ root, notice, langSwitch, onSignedIn }) {
    const user = h('input', { id: 'signin-user', name: 'user', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
    const pass = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const msg = h('div', { class: 'signin-msg', id: 'signin-msg', 'aria-live': 'assertive' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'signin-submit' }, t('signin.submit'));
    if (notice === 'expired') replace(msg, h('div', { class: 'alert alert-warn', id: 'signin-expired' }, t('signin.expired')));
    else if (notice === 'signedout') replace(msg, h('div', { class: 'alert alert-info', id: 'signin-signedout' }, t('signin.signedOut')));

    const form = h(
        'form',
        { class: 'signin-form', id: 'signin-form', novalidate: true },
        h('label', { for: 'signin-user' }, t('signin.user')),
        user,
        h('label', { for: 'signin-password' }, t('signin.password')),
        pass,
        msg,
        btn,
    );
    let lockTimer = 0;
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!user.value || !pass.value) {
            replace(msg, h('div', { class: 'alert alert-err' }, t('signin.missing')));
            return;
        }
        btn.disabled = true;
        replace(msg); /* a new attempt: the last answer's message goes */
        try {
            const s = await api('POST', '/api/v1/session', { user: user.value, password: pass.value }, { noAuthEvent: true });
            onSignedIn(s);
        } catch (e) {
            pass.value = '';
            if (e.status === 429) {
                let left = e.retryAfter || 60;
                const line = h('div', { class: 'alert alert-err', id: 'signin-ratelimit', role: 'alert' }, t('signin.rateLimited', { s: left }));
                replace(msg, line);
                clearInterval(lockTimer);
                lockTimer = setInterval(() => {
                    left--;
                    if (!line.isConnected || left <= 0) {
                        clearInterval(lockTimer);
                        btn.disabled = false;
                        if (line.isConnected) line.textContent = t('signin.tryAgain');
                        return;
                    }
                    line.textContent = t('signin.rateLimited', { s: left });
                }, 1000);
                return;
            }
            replace(msg, h('div', { class: 'alert alert-err', id: 'signin-error', role: 'alert' }, e.status === 401 ? t('signin.failed') : e.message));
            pass.focus();
        }
        btn.disabled = false;
    });

    replace(
        root,
        h(
            'div',
            { class: 'signin-wrap' },
            h(
                'div',
                { class: 'signin-card' },
                h('div', { class: 'signin-brand' }, h('span', { class: 'brand-mark big', 'aria-hidden': 'true' }), h('span', { class: 'brand-ja', lang: 'ja' }, '火消し'), h('span', { class: 'brand-en' }, 'hikeshi')),
                h('h1', null, t('signin.title')),
                h('p', { class: 'muted' }, t('signin.lead')),
                form,
                h('div', { class: 'signin-foot' }, langSwitch()),
            ),
        ),
    );
    document.title = t('signin.title') + ' · hikeshi';
    user.focus();
}
