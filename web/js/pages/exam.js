// exam.js: exam results classified by the server as the user types.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, message } from '../ui.js';
import { go } from './tables.js';

// The classifiers offered on the exam form (data/screening/schemes/).
const examSchemes = ['lung-rads-2022', 'bi-rads'];

// The input of one classifier field: a select for "one of: ...", else a number box.
function schemeInput(field) {
  const m = field.type.match(/^one of: (.*)$/);
  if (m) {
    return h('select', { name: field.name }, h('option', { value: '' }, ''),
      m[1].split(' ').map((v) => h('option', { value: v }, v)));
  }
  return h('input', { name: field.name, type: 'number', step: 'any', placeholder: field.type });
}

/*
 * Exam results: the form of the chosen classifier, classified by the
 * server as the user types (POST .../classify stores nothing); a field
 * the server names is marked beside the field.
 */
export async function examPage(view, params) {
  const name = examSchemes.includes(params.get('scheme')) ? params.get('scheme') : examSchemes[0];
  let scheme;
  try { scheme = await api('GET', `/api/screening/schemes/${name}`); } catch (e) {
    view.replaceChildren(message('err', t('err.load', { message: e.message })));
    return;
  }
  const chooser = h('select', { name: 'scheme', onchange: (ev) => go(`#/exam?scheme=${ev.target.value}`) },
    examSchemes.map((s) => h('option', { value: s, selected: s === name }, s)));
  const inputs = {}, errors = {};
  const result = h('div', { id: 'category', class: 'msg' }, t('exam.waiting'));
  const form = h('form', { class: 'grid card', id: 'exam', novalidate: true },
    h('label', {}, t('exam.scheme')), chooser, h('span', { class: 'muted' }, scheme.title));
  scheme.fields.forEach((f) => {
    inputs[f.name] = schemeInput(f);
    errors[f.name] = h('span', { class: 'field-error', 'data-field': f.name });
    form.append(h('label', {}, t(`field.${f.name}`)), inputs[f.name], errors[f.name]);
  });
  let seq = 0;
  async function classify() {
    const mine = ++seq;
    const body = {};
    Object.entries(inputs).forEach(([k, i]) => { if (i.value !== '') body[k] = i.value; });
    Object.values(errors).forEach((e) => { e.textContent = ''; });
    Object.values(inputs).forEach((i) => i.classList.remove('bad'));
    try {
      const r = await api('POST', `/api/screening/classify/${name}`, body);
      if (mine !== seq) return;
      result.className = `msg ${r.positive ? 'err' : 'ok'}`;
      result.replaceChildren(h('b', {}, t('exam.category', { category: r.category })), h('br'),
        t('exam.management', { management: r.management }),
        r.recall_months !== null ? h('span', {}, ' · ', t('exam.recall', { months: r.recall_months })) : '',
        r.positive ? h('span', {}, ' · ', t('exam.positive')) : '');
    } catch (e) {
      if (mine !== seq) return;
      if (e.field && errors[e.field]) {
        errors[e.field].textContent = e.message;
        inputs[e.field].classList.add('bad');
      }
      result.className = 'msg';
      result.textContent = e.message;
    }
  }
  let timer;
  form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(classify, 150); });
  form.addEventListener('submit', (ev) => ev.preventDefault());
  view.replaceChildren(h('h1', {}, t('nav.exam')), form, result,
    h('p', { class: 'muted' }, t('exam.source', { source: scheme.source })));
}
