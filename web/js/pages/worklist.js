// worklist.js: the follow-up visits due, and the contact that closes the
// visit chosen (POST /api/followup/visits/{id}/contact) or an attempt that
// did not reach the person (.../attempt); the outcome's effect on the
// person's vital status is shown.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, fieldForm, h, today } from '../ui.js';
import { worklistTable } from './tables.js';

const methods = ['phone', 'visit', 'message'];
const outcomes = ['alive', 'recurrence', 'metastasis', 'dead', 'lost'];

export function worklistPage(view) {
  const holder = h('div');
  const contact = h('div', { id: 'contact' });
  function chooseVisit(v) {
    const f = fieldForm('contact-form', [
      { name: 'visit', label: 'fu.visit', value: `${v.id} · ${v.person_name} · ${v.due}`, readonly: true },
      { name: 'date', label: 'form.date', type: 'date', value: today() },
      { name: 'method', label: 'fu.method', options: methods.map((m) => [m, t(`fu.method.${m}`)]) },
      { name: 'outcome', label: 'fu.outcome', options: outcomes.map((o) => [o, t(`state.${o}`)]) },
      { name: 'death_date', label: 'fu.death_date', type: 'date' },
      { name: 'cause_icd10', label: 'fu.cause', placeholder: 'C34.9' },
      { name: 'lost_reason', label: 'fu.lost_reason' },
      { name: 'note', label: 'fu.note' },
    ], [['fu.record', async (x) => {
      const { visit, ...body } = x;
      const r = await api('POST', `/api/followup/visits/${v.id}/contact`, body);
      refresh();
      return t('fu.recorded', { status: t(`vital.${r.vital_status}`), cancelled: r.visits_cancelled });
    }], ['fu.attempt', async (x) => {
      await api('POST', `/api/followup/visits/${v.id}/attempt`, { date: x.date, method: x.method, note: x.note });
      refresh();
      return t('fu.attempted');
    }]]);
    contact.replaceChildren(card('fu.contact', h('p', {}, t('fu.for', { name: v.person_name, due: v.due }))), f.form, f.status);
  }
  function refresh() { holder.replaceChildren(card('home.worklist', worklistTable(chooseVisit))); }
  refresh();
  view.replaceChildren(h('h1', {}, t('nav.worklist')), holder, contact);
}
