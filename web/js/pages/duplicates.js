// duplicates.js: the duplicate review queue of the registry (GET
// /api/link/reviews), most probable pair first, each pair side by side with
// the fields that differ highlighted, decided with "same person (merge)" or
// "different persons" (POST /api/link/reviews/{id}); a decided pair leaves
// the page.  The cancer centre's work: the navigation shows it to the users
// /api/me says may merge.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, errorText, h, message } from '../ui.js';

// The rows of a pair: [message key, the value of one side shown, the linkage field compared].
const rows = [
  ['col.name', (p) => p.name, 'name'],
  ['col.sex', (p) => t(`sex.${p.sex}`), 'sex'],
  ['col.birth_date', (p) => p.birth_date, 'birth_date'],
  ['col.id_number', (p) => p.id_number, 'id_number'],
  ['col.phone', (p) => p.phone, 'phone'],
  ['person.address', (p) => p.address, 'address'],
  ['col.district', (p) => p.district],
  ['col.institution', (p) => p.institution || String(p.institution_id)],
];

// The agreement level of a field, in the catalogue's words.
const level = (levels, field) => (field && levels[field] ? t(`lvl.${levels[field]}`) : '');

// One pair: a table of both persons, the differing rows marked, and the two decisions.
function pairCard(r, onDecided) {
  const status = h('div', { class: 'form-status' });
  const a = r.person_a, b = r.person_b;
  const table = h('table', { class: 'pair' },
    h('thead', {}, h('tr', {}, h('th', {}, ''),
      h('th', {}, h('a', { href: `#/person/${a.id}` }, `#${a.id}`)),
      h('th', {}, h('a', { href: `#/person/${b.id}` }, `#${b.id}`)), h('th', {}, t('dup.level')))),
    h('tbody', {}, rows.map(([key, show, field]) => {
      const va = show(a) ?? '', vb = show(b) ?? '';
      return h('tr', { class: va === vb ? '' : 'diff', 'data-field': field || key },
        h('th', {}, t(key)), h('td', {}, va || t('none')), h('td', {}, vb || t('none')), h('td', {}, level(r.levels, field)));
    })));
  const decide = (decision) => async () => {
    status.replaceChildren();
    try {
      const done = await api('POST', `/api/link/reviews/${r.id}`, { decision });
      onDecided(decision === 'same'
        ? t('dup.merged', { merged: done.merge.merged, survivor: done.merge.survivor })
        : t('dup.closed', { a: a.id, b: b.id }));
    } catch (e) {
      if (e.status === undefined) throw e;
      const m = message('err', t('form.error', { message: errorText(e) }));
      m.title = e.message;
      status.replaceChildren(m);
    }
  };
  return h('section', { class: 'card dup', 'data-review': r.id },
    h('h2', {}, t('dup.pair', { id: r.id, probability: (r.probability * 100).toFixed(1) })), table,
    h('p', { class: 'buttons' },
      h('button', { type: 'button', 'data-action': 'same', onclick: decide('same') }, t('dup.same')),
      h('button', { type: 'button', 'data-action': 'distinct', onclick: decide('distinct') }, t('dup.distinct'))),
    status);
}

export function duplicatesPage(view) {
  const done = h('div', { id: 'dup-done' });
  const list = h('div', { id: 'dup-list' });
  async function refresh() {
    list.replaceChildren(h('p', { class: 'muted' }, t('loading')));
    let page;
    try { page = await api('GET', '/api/link/reviews?limit=20'); } catch (e) {
      list.replaceChildren(message('err', t('err.load', { message: e.message })));
      return;
    }
    const decided = (text) => { done.replaceChildren(message('ok', text)); refresh(); };
    list.replaceChildren(h('p', { id: 'dup-total' }, t('dup.total', { total: page.total, shown: page.items.length })),
      ...(page.items.length ? page.items.map((r) => pairCard(r, decided)) : [card('dup.none')]));
  }
  view.replaceChildren(h('h1', {}, t('nav.duplicates')), h('p', { class: 'muted' }, t('dup.intro')), done, list);
  refresh();
}

/*
 * On a person's page: if the person is merged into another, say so and
 * offer to undo the merge (POST /api/persons/{id}/unmerge); then call
 * onUndone.  Nothing for a person not merged.
 */
export async function mergeNotice(id, onUndone) {
  let p;
  try { p = await api('GET', `/api/persons/${encodeURIComponent(id)}`); } catch (e) {
    return message('err', t('err.load', { message: e.message }));
  }
  if (!p.merged_into) return '';
  const status = h('div', { class: 'form-status' });
  const undo = async () => {
    try {
      await api('POST', `/api/persons/${encodeURIComponent(id)}/unmerge`);
      onUndone();
    } catch (e) {
      if (e.status === undefined) throw e;
      status.replaceChildren(message('err', t('form.error', { message: errorText(e) })));
    }
  };
  return h('section', { class: 'card', id: 'merged' },
    h('p', {}, t('dup.merged_into', { id: p.merged_into }), ' ',
      h('a', { href: `#/person/${p.merged_into}` }, `#${p.merged_into}`)),
    h('p', { class: 'buttons' }, h('button', { type: 'button', 'data-action': 'unmerge', onclick: undo }, t('dup.undo'))),
    status);
}
