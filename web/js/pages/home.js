// home.js: the home page of each role, the lists its work starts from.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, h, message } from '../ui.js';
import { auditTable, institutionTable, personTable, referralTable, worklistTable } from './tables.js';

// The home page of each role: the lists its work starts from.
const homeSections = {
  screening: (me) => [card('home.persons', personTable({})), card('ref.incoming', referralTable('incoming'))],
  clinician: (me) => [card('home.persons', personTable({})), card('ref.incoming', referralTable('incoming')),
    card('ref.outgoing', referralTable('outgoing'))],
  followup: (me) => [card('home.worklist', worklistTable())],
  registry: (me) => [card('home.summary', summaryKpis())],
  institution_admin: (me) => [card('home.institutions', institutionTable())],
  system_admin: (me) => [card('home.institutions', institutionTable())],
  auditor: (me) => [card('home.audit', auditTable())],
};

export function homePage(view, me) {
  const scope = me.region ? t('home.scope.region') : t('home.scope.institution', { id: me.user.institution_id });
  const make = homeSections[me.user.role] || (() => []);
  view.replaceChildren(
    h('h1', {}, t('home.welcome', { name: me.user.display_name || me.user.username })),
    h('p', { class: 'muted' }, `${t(`role.${me.user.role}`)} · ${scope}`),
    ...make(me));
}

// The region's key figures; summary is GET /api/stats/summary when the caller has it already.
export function summaryKpis(summary) {
  const box = h('div', { class: 'kpis' }, t('loading'));
  (summary ? Promise.resolve(summary) : api('GET', '/api/stats/summary')).then((s) => {
    if (s.scope !== 'region') {
      box.replaceChildren(h('div', { class: 'kpi' }, t('dash.institution_only', { n: s.persons })));
      return;
    }
    box.replaceChildren(...[['dash.persons', s.persons], ['dash.male', s.male], ['dash.female', s.female], ['dash.dead', s.dead]]
      .map(([k, v]) => h('div', { class: 'kpi' }, h('b', {}, String(v)), t(k))));
  }).catch((e) => box.replaceChildren(message('err', t('err.load', { message: e.message }))));
  return box;
}
