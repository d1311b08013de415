// referrals.js: two-way referrals.  A new referral (POST /api/referrals),
// the inbox and outbox paged by the server, and one referral with its
// events and the actions of its state (accept, reject, schedule, attend,
// complete, cancel), each sent with the version it was read at.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, fieldForm, h, message } from '../ui.js';
import { referralTable } from './tables.js';

// The types of data/network/referral-types.csv.
const kinds = ['suspected_cancer', 'diagnosis', 'treatment', 'rehabilitation', 'followup'];

// The actions a state allows (lib/network/referral.c) and what each needs.
const actionsOf = {
  requested: ['accept', 'reject', 'cancel'],
  accepted: ['schedule', 'cancel'],
  scheduled: ['schedule', 'attend', 'cancel'],
  attended: ['complete'],
};
const actionFields = [
  { name: 'reason', label: 'col.reason' },
  { name: 'report', label: 'ref.report', type: 'textarea' },
  { name: 'appointment_at', label: 'ref.appointment_at', type: 'datetime-local' },
];


// One referral: its facts, events and the action form of its state.
async function referralDetail(box, id) {
  box.replaceChildren(h('p', {}, t('loading')));
  let r;
  try { r = await api('GET', `/api/referrals/${id}`); } catch (e) {
    box.replaceChildren(message('err', t('err.load', { message: e.message })));
    return;
  }
  const events = h('ul', { class: 'timeline' }, r.events.map((e) =>
    h('li', {}, `${e.at} ${t(`ref.action.${e.action}`)} → ${t(`state.${e.to_state}`)}`, e.reason ? ` · ${e.reason}` : '')));
  const actions = actionsOf[r.state] || [];
  const f = actions.length ? fieldForm('referral-action', actionFields, actions.map((a) => [`ref.action.${a}`, async (v) => {
    const done = await api('POST', `/api/referrals/${r.id}/${a}`, { ...v, version: r.version });
    setTimeout(() => referralDetail(box, id), 0);
    return t('ref.done', { state: t(`state.${done.state}`) });
  }])) : null;
  box.replaceChildren(card('ref.one', h('p', { id: 'referral-state', 'data-state': r.state },
    `#${r.id} · ${t(`rkind.${r.kind}`)} · ${t('col.state')}：${t(`state.${r.state}`)} · ${t('col.person')} ${r.person_id}`),
  r.reason ? h('p', {}, `${t('col.reason')}：${r.reason}`) : '', events), f ? f.form : '', f ? f.status : '');
}

export function referralsPage(view, params) {
  const box = params.get('box') === 'outgoing' ? 'outgoing' : 'incoming';
  const detail = h('div', { id: 'referral-detail' });
  const f = fieldForm('referral-new', [
    { name: 'person', label: 'form.person', value: params.get('person') || '' },
    { name: 'to', label: 'ref.to' },
    { name: 'kind', label: 'col.kind', options: kinds.map((k) => [k, t(`rkind.${k}`)]) },
    { name: 'reason', label: 'col.reason' },
    { name: 'report', label: 'ref.report', type: 'textarea' },
  ], [['ref.send', async (v) => {
    const r = await api('POST', '/api/referrals', v);
    return t('ref.sent', { id: r.id });
  }]]);
  const tabs = h('p', { class: 'tabs' }, ['incoming', 'outgoing'].map((b) =>
    h('a', { href: `#/referrals?box=${b}`, class: b === box ? 'on' : '' }, t(`ref.${b}`))));
  const table = referralTable(box, (r) => referralDetail(detail, r.id));
  view.replaceChildren(h('h1', {}, t('nav.referrals')), tabs, card(`ref.${box}`, table), detail,
    h('h2', {}, t('ref.new')), f.form, f.status);
  if (params.get('id')) referralDetail(detail, params.get('id'));
}
