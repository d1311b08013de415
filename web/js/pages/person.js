// person.js: one person's record and timeline; for the cancer centre's
// staff, a merged person's merge and the button that undoes it.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, h, message } from '../ui.js';
import { mergeNotice } from './duplicates.js';

const yesNo = (v) => t(v ? 'yes' : 'no');

// The facts of a timeline event after its kind: programme, codes, category, stage, state.
function eventDetail(e) {
  const parts = [e.programme ? t(`prog.${e.programme}`) : '', e.exam_type, e.topography, e.icd10, e.treatment,
    e.referral, e.consultation, e.service, e.plan].filter(Boolean);
  if (e.category) parts.push(`${t('tl.category')} ${e.category}`);
  if (e.positive !== undefined) parts.push(`${t('tl.positive')} ${yesNo(e.positive)}`);
  if (e.high_risk !== undefined) parts.push(`${t('tl.high_risk')} ${yesNo(e.high_risk)}`);
  if (e.stage) parts.push(`${t('tl.stage')} ${e.stage}`);
  if (e.kind === 'followup') parts.push(`${t('tl.due')} ${e.due}`);
  if (e.state) parts.push(`${t('tl.state')} ${e.state.split(' ').map((w) => t(`state.${w}`)).join(' ')}`);
  if (e.cause_icd10) parts.push(`${t('tl.cause')} ${e.cause_icd10}`);
  if (e.closed) parts.push(`${t('tl.closed')} ${e.closed}`);
  return parts.join(' · ');
}

// The tasks that start from a person: forms opened with the person filled in.
const personTasks = [['#/questionnaire', 'nav.questionnaire'], ['#/tumour', 'nav.tumour'],
  ['#/referrals', 'nav.referral_new'], ['#/booking', 'nav.booking']];

export async function personPage(view, id, me) {
  view.replaceChildren(h('p', {}, t('loading')));
  let tl;
  try { tl = await api('GET', `/api/persons/${encodeURIComponent(id)}/timeline`); } catch (e) {
    view.replaceChildren(message('err', t('err.load', { message: e.message })));
    return;
  }
  const p = tl.person;
  const merged = me && me.may_merge ? await mergeNotice(id, () => personPage(view, id, me)) : '';
  const row = (k, v) => h('tr', {}, h('th', {}, t(k)), h('td', {}, v ?? t('none')));
  view.replaceChildren(h('h1', {}, `${t('person.title')}：${p.name}`), merged,
    h('section', { class: 'card' }, h('table', { id: 'person' },
      row('col.id', String(p.id)), row('col.name', p.name), row('col.sex', t(`sex.${p.sex}`)),
      row('col.birth_date', p.birth_date), row('col.id_number', p.id_number), row('col.phone', p.phone),
      row('person.address', p.address), row('col.district', p.district),
      row('col.institution', String(p.institution_id)), row('col.vital_status', t(`vital.${p.vital_status}`)),
      row('person.version', String(p.version))),
    p.masked ? h('p', { class: 'muted' }, t('person.masked')) : '',
    h('p', { class: 'tasks' }, personTasks.map(([href, key]) => h('a', { href: `${href}?person=${p.id}`, class: 'button' }, t(key))))),
    card('person.timeline', h('ul', { class: 'timeline', id: 'timeline' }, tl.events.map((e) =>
      h('li', { 'data-kind': e.kind }, h('b', {}, `${e.date} ${t(`tl.${e.kind}`)}`), ' ', eventDetail(e))))));
}
