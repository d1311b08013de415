// persons.js: person search by ID number, name or phone.
import { t } from '../i18n.js';
import { h } from '../ui.js';
import { go, personTable } from './tables.js';

export function personsPage(view, params) {
  const input = h('input', { type: 'search', name: 'q', value: params.get('q') || '', size: 40, placeholder: t('persons.search') });
  const form = h('form', { id: 'search' }, input, ' ', h('button', { type: 'submit' }, t('persons.go')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); go(`#/persons?q=${encodeURIComponent(input.value.trim())}`); });
  view.replaceChildren(h('h1', {}, t('nav.persons')), h('section', { class: 'card' }, form,
    params.get('q') ? personTable({ q: params.get('q') }) : ''));
  input.focus();
}
