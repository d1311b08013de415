// questionnaire.js: the risk questionnaire of a screening programme, its
// items read from the programme (GET /api/screening/programmes); the
// server records it in the person's open episode and decides the risk.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { fieldForm, h, message, schemeField, today } from '../ui.js';
import { go } from './tables.js';

// Items the server fills in from the person itself.
const fromPerson = new Set(['age', 'sex']);

export async function questionnairePage(view, params) {
  view.replaceChildren(h('p', {}, t('loading')));
  let programmes;
  try { programmes = (await api('GET', '/api/screening/programmes')).items.filter((p) => p.questionnaire && p.questionnaire.fields.length); } catch (e) {
    view.replaceChildren(message('err', t('err.load', { message: e.message })));
    return;
  }
  const code = programmes.some((p) => p.code === params.get('programme')) ? params.get('programme') : programmes[0].code;
  const prog = programmes.find((p) => p.code === code);
  const chooser = h('select', { name: 'programme', id: 'programme',
    onchange: (ev) => go(`#/questionnaire?programme=${ev.target.value}&person=${params.get('person') || ''}`) },
  programmes.map((p) => h('option', { value: p.code, selected: p.code === code }, t(`prog.${p.code}`))));
  const items = prog.questionnaire.fields.filter((f) => !fromPerson.has(f.name)).map(schemeField);
  const fields = [
    { name: 'person', label: 'form.person', value: params.get('person') || '' },
    { name: 'date', label: 'form.date', type: 'date', value: today() },
    ...items,
  ];
  const f = fieldForm('questionnaire', fields, [['form.save', async (v) => {
    const answers = {};
    items.forEach((i) => { if (v[i.name] !== undefined) answers[i.name] = v[i.name]; });
    const r = await api('POST', '/api/screening/questionnaires', { programme: code, person: v.person, date: v.date, answers });
    const m = message('ok', t(r.high_risk ? 'q.high_risk' : 'q.low_risk', { person: r.person_id }));
    m.id = 'q-result';
    return m;
  }]]);
  view.replaceChildren(h('h1', {}, t('nav.questionnaire')),
    h('p', {}, h('label', {}, t('col.programme'), ' ', chooser), ' ', h('span', { class: 'muted' }, prog.questionnaire.title)),
    f.form, f.status, h('p', { class: 'muted' }, t('exam.source', { source: prog.questionnaire.source })));
}
