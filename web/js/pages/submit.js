// SPDX-License-Identifier: MIT
//
// Submit a report (#/submit): the reporter's main page (staff have it too). Subject,
// free text (logs, headers, addresses: observables are extracted by the server), TLP
// and, optionally, what the reporter thinks it is (RSIT class). POST /api/v1/reports.

import { h, replace } from '../dom.js';
import { post } from '../api.js';
import { t, label } from '../i18n.js';
import { pageHeader, card, toast } from '../ui.js';
import { taxonomy } from './queue.js';

export async function render(ctx) {
    const { main } = ctx;
    const tax = await taxonomy();
    if (!ctx.alive()) return;
    const subject = h('input', { id: 'rep-subject', name: 'subject', maxlength: 1000, required: true, placeholder: t('submit.subjectPh') });
    const content = h('textarea', { id: 'rep-content', name: 'content', rows: 12, required: true, class: 'mono', placeholder: t('submit.contentPh'), spellcheck: 'false' });
    const tlp = h('select', { id: 'rep-tlp', name: 'tlp' }, tax.tlp.map((x) => h('option', { value: x, selected: x === 'AMBER' }, 'TLP:' + x + ' — ' + t('tlp.' + x))));
    const cls = h('select', { id: 'rep-class', name: 'rsit_class' }, h('option', { value: '' }, t('submit.dontKnow')), tax.rsit.map((c) => h('option', { value: c.class }, label('class', c.class))));
    const result = h('div', { id: 'submit-result', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'rep-submit' }, t('submit.send'));
    const form = h(
        'form',
        { class: 'stack-form', id: 'submit-form' },
        h('label', { for: 'rep-subject' }, t('submit.subject')),
        subject,
        h('label', { for: 'rep-content' }, t('submit.content')),
        h('p', { class: 'hint' }, t('submit.contentHint')),
        content,
        h('div', { class: 'form-row' }, h('div', { class: 'field' }, h('label', { for: 'rep-tlp' }, 'TLP'), tlp), h('div', { class: 'field' }, h('label', { for: 'rep-class' }, t('submit.class')), cls)),
        h('div', { class: 'form-actions' }, btn),
        result,
    );
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!content.value.trim()) {
            replace(result, h('div', { class: 'alert alert-err' }, t('submit.needContent')));
            content.focus();
            return;
        }
        replace(result);
        const body = { subject: subject.value.trim(), content: content.value, tlp: tlp.value, source: 'web' };
        if (cls.value) body.rsit_class = cls.value;
        btn.disabled = true;
        try {
            let r;
            try {
                r = await post('/api/v1/reports', body);
            } catch (e) {
                /* servers without the "web" source: the API's default source */
                if (e.status !== 400 || !/source/.test(e.message)) throw e;
                delete body.source;
                r = await post('/api/v1/reports', body);
            }
            replace(
                result,
                h('div', { class: 'alert alert-ok', id: 'submit-ok', dataset: { reportId: r.id } }, r.duplicate ? t('submit.duplicate', { id: r.id }) : t('submit.thanks', { id: r.id }), ' ', h('a', { href: '#/reports/' + r.id }, t('submit.view'))),
            );
            toast(t('submit.thanks', { id: r.id }), 'ok');
            subject.value = '';
            content.value = '';
        } catch (e) {
            replace(result, h('div', { class: 'alert alert-err' }, e.message));
        } finally {
            btn.disabled = false;
        }
    });
    replace(
        main,
        pageHeader(t('nav.submit')),
        h('div', { class: 'narrow' }, card(null, [h('p', { class: 'lead' }, t('submit.lead')), form])),
    );
    main.dataset.rendered = 'submit';
    subject.focus();
}
