// SPDX-License-Identifier: MIT
//
// Users (#/users, admins only): the accounts (GET /api/v1/users), a form to add one
// (POST /api/v1/users: name, role, team, password) and, per user, a new password
// (POST /api/v1/account/password with "user"; the user's browser sessions end, API tokens
// stay), and disable or enable a user (POST /api/v1/users/disable|enable: a disabled user's
// password, sessions and tokens stop working). Users changing their own password use the
// account page instead; nobody disables their own account.

import { h, replace } from '../dom.js';
import { get, post } from '../api.js';
import { t, dateTime } from '../i18n.js';
import { pageHeader, card, table, loading, errorBox, toast } from '../ui.js';

const ROLES = ['handler', 'reporter', 'admin', 'sensor', 'peer'];

export async function render(ctx) {
    const { main } = ctx;
    ctx.setTitle(t('nav.users'));
    replace(main, pageHeader(t('nav.users')), loading());
    let users = [];
    const listBox = h('div', { id: 'user-list' });

    /* one row's "new password" form, opened under the table */
    const pwBox = h('div', { id: 'user-pw-box' });
    function openPassword(u) {
        const pw = h('input', { id: 'user-pw', type: 'password', autocomplete: 'new-password', minlength: 8, maxlength: 1024, 'aria-label': t('acct.new') });
        const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'user-pw-save' }, t('users.setPassword'));
        const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, t('common.cancel'));
        const f = h('form', { class: 'row-form', id: 'user-pw-form' }, h('span', { class: 'form-label' }, t('users.newPasswordFor', { name: u.name })), pw, save, cancel);
        cancel.addEventListener('click', () => replace(pwBox));
        f.addEventListener('submit', async (ev) => {
            ev.preventDefault();
            if (pw.value.length < 8) {
                toast(t('acct.short'), 'err');
                return pw.focus();
            }
            save.disabled = true;
            try {
                const r = await post('/api/v1/account/password', { user: u.name, password: pw.value });
                if (!ctx.alive()) return;
                replace(pwBox, h('div', { class: 'alert alert-ok', id: 'user-pw-ok' }, t('users.passwordSet', { name: u.name, n: (r && r.sessions_ended) || 0 })));
            } catch (e) {
                toast(e.message, 'err');
                save.disabled = false;
            }
        });
        replace(pwBox, card(null, f));
        pw.focus();
    }

    function draw() {
        const tbl = table(
            [
                { key: 'name', label: t('users.name'), render: (u) => h('span', { class: 'user-name' }, u.name) },
                { key: 'role', label: t('users.role'), render: (u) => t('role.' + u.role) },
                { key: 'team', label: t('col.team') },
                { key: 'created_at', label: t('col.created'), num: true, render: (u) => (u.created_at ? dateTime(u.created_at) : '') },
                { key: 'disabled', label: t('users.status'), render: (u) => h('span', { class: 'user-status', dataset: { user: u.name } }, u.disabled ? t('users.disabled') : t('users.active')) },
                {
                    key: 'pw',
                    label: '',
                    sortable: false,
                    render: (u) => {
                        if (u.name === ctx.user.name) return h('a', { href: '#/account', class: 'small' }, t('acct.title'));
                        const b = h('button', { type: 'button', class: 'btn btn-sm btn-ghost user-pw', dataset: { user: u.name } }, t('users.setPassword'));
                        b.addEventListener('click', () => openPassword(u));
                        const d = h('button', { type: 'button', class: 'btn btn-sm btn-ghost user-toggle', dataset: { user: u.name } }, u.disabled ? t('users.enable') : t('users.disable'));
                        d.addEventListener('click', async () => {
                            d.disabled = true;
                            try {
                                const r = await post('/api/v1/users/' + (u.disabled ? 'enable' : 'disable'), { user: u.name });
                                if (!ctx.alive()) return;
                                Object.assign(u, r);
                                toast(t(u.disabled ? 'users.disabledNow' : 'users.enabledNow', { name: u.name }), 'ok');
                                draw();
                            } catch (e) {
                                toast(e.message, 'err');
                                d.disabled = false;
                            }
                        });
                        return h('span', { class: 'row-actions' }, b, ' ', d);
                    },
                },
            ],
            users,
            { class: 'tbl-compact', empty: t('common.none'), sort: { key: 'name', dir: 'asc' } },
        );
        replace(listBox, tbl.el);
    }

    const name = h('input', { id: 'user-add-name', maxlength: 63, required: true, autocomplete: 'off', placeholder: t('users.namePh') });
    const role = h('select', { id: 'user-add-role', 'aria-label': t('users.role') }, ROLES.map((r) => h('option', { value: r }, t('role.' + r))));
    const team = h('input', { id: 'user-add-team', maxlength: 63, placeholder: t('col.team') });
    const pw = h('input', { id: 'user-add-password', type: 'password', autocomplete: 'new-password', minlength: 8, maxlength: 1024, placeholder: t('users.passwordPh') });
    const add = h('button', { type: 'submit', class: 'btn btn-primary', id: 'user-add' }, t('users.add'));
    const form = h('form', { class: 'row-form wrap-form', id: 'user-form' }, name, role, team, pw, add);
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!name.value.trim()) return name.focus();
        if (pw.value && pw.value.length < 8) {
            toast(t('acct.short'), 'err');
            return pw.focus();
        }
        const body = { name: name.value.trim(), role: role.value };
        if (team.value.trim()) body.team = team.value.trim();
        if (pw.value) body.password = pw.value;
        add.disabled = true;
        try {
            const u = await post('/api/v1/users', body);
            if (!ctx.alive()) return;
            users.push(u);
            toast(t('users.added', { name: u.name }), 'ok');
            name.value = '';
            team.value = '';
            pw.value = '';
            draw();
        } catch (e) {
            toast(e.message, 'err');
        } finally {
            add.disabled = false;
        }
    });

    try {
        const r = await get('/api/v1/users');
        users = r.items || [];
    } catch (e) {
        if (ctx.alive()) replace(main, pageHeader(t('nav.users')), errorBox(e));
        return;
    }
    if (!ctx.alive()) return;
    draw();
    replace(main, pageHeader(t('nav.users')), card(t('users.add'), [h('p', { class: 'hint' }, t('users.addHint')), form]), pwBox, card(null, listBox));
    main.dataset.rendered = 'users';
}
