// stats.js: the registry's and the services' figures in charts, each
// downloadable as a table: incidence and age-standardised rates by year
// and by site (/api/stats/rates), Kaplan-Meier survival with its 95%
// confidence band (/api/stats/survival), data-quality indicators
// (/api/stats/quality), follow-up performance (/api/stats/followup) and
// referrals by state (/api/referrals totals).
import { api, qs } from '../api.js';
import { t } from '../i18n.js';
import { chartCard } from '../charts.js';
import { card, errorText, h, message } from '../ui.js';

// A registry site group (data/registry/site-groups.csv, names in the catalogues as site.*).
const siteName = (code) => `${code} ${t(`site.${code}`)}`;
const fixed = (v, n = 2) => (v === null || v === undefined ? '' : Number(v).toFixed(n));
const axis = { tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { top: 40, left: 60, right: 20 } };
const rateStates = ['requested', 'accepted', 'scheduled', 'attended', 'completed', 'rejected', 'cancelled'];

// Failures of one section stay in its card, with the reason (e.g. no population for a year).
async function section(titleKey, build) {
  try { return await build(); } catch (e) {
    if (e.status === undefined) throw e;
    const why = h('p', { class: 'muted', title: e.message }, t('stats.unavailable', { reason: errorText(e) }));
    return card(titleKey, e.status === 422 || e.status === 404 ? why : message('err', t('err.load', { message: errorText(e) })));
  }
}

// Incidence by year: crude and both ASRs with the Fay-Feuer interval of the Chinese standard.
async function ratesByYear() {
  const r = await api('GET', '/api/stats/rates?by=year&standard=china2000,segi');
  const rows = r.items.map((x) => [x.year, x.cases, x.population, fixed(x.crude), fixed(x.asr.china2000.rate),
    fixed(x.asr.china2000.lci), fixed(x.asr.china2000.uci), fixed(x.asr.segi.rate), fixed(x.cumulative_0_74_percent, 3)]);
  const header = ['col.year', 'col.cases', 'col.population', 'rate.crude', 'rate.asr_china', 'rate.lci', 'rate.uci', 'rate.asr_segi', 'rate.cum']
    .map((k) => t(k));
  const years = rows.map((x) => x[0]);
  return chartCard('stats.rates_year', 'rates-year', {
    ...axis, xAxis: { type: 'category', data: years }, yAxis: { type: 'value', name: t('rate.per') },
    series: [
      { type: 'line', name: t('rate.crude'), data: rows.map((x) => x[3]) },
      { type: 'line', name: t('rate.asr_china'), data: rows.map((x) => x[4]) },
      { type: 'line', name: t('rate.asr_segi'), data: rows.map((x) => x[7]) },
      { type: 'line', name: t('rate.lci'), data: rows.map((x) => x[5]), lineStyle: { type: 'dashed', opacity: 0.5 }, symbol: 'none' },
      { type: 'line', name: t('rate.uci'), data: rows.map((x) => x[6]), lineStyle: { type: 'dashed', opacity: 0.5 }, symbol: 'none' },
    ],
  }, header, rows);
}

// Incidence by site group: the ASR (Chinese standard 2000) as bars, the table with crude and Segi.
async function ratesBySite() {
  const r = await api('GET', '/api/stats/rates?by=site&standard=china2000,segi');
  const rows = r.items.map((x) => [siteName(x.site), x.cases, fixed(x.crude), fixed(x.asr.china2000.rate), fixed(x.asr.china2000.lci),
    fixed(x.asr.china2000.uci), fixed(x.asr.segi.rate)]);
  const header = ['col.site', 'col.cases', 'rate.crude', 'rate.asr_china', 'rate.lci', 'rate.uci', 'rate.asr_segi'].map((k) => t(k));
  return chartCard('stats.rates_site', 'rates-site', {
    ...axis, xAxis: { type: 'category', data: rows.map((x) => x[0]), name: t('col.site') }, yAxis: { type: 'value', name: t('rate.per') },
    series: [{ type: 'bar', name: t('rate.asr_china'), data: rows.map((x) => x[3]) },
      { type: 'bar', name: t('rate.crude'), data: rows.map((x) => x[2]) }],
  }, header, rows);
}

// The corners of a step function (a value holds until the next time) through points [x, y].
function steps(points) {
  return points.flatMap(([x, y], i) => (i + 1 < points.length ? [[x, y], [points[i + 1][0], y]] : [[x, y]]));
}

/*
 * Kaplan-Meier survival in years with its 95% confidence band, drawn as
 * one polygon (the upper limit's steps and the lower limit's back); a
 * limit the server leaves empty (null) keeps the previous one.
 */
async function survival(site) {
  const s = await api('GET', `/api/stats/survival${qs({ site })}`);
  const years = (d) => Number((d / 365.25).toFixed(3));
  const points = [{ time: 0, n_risk: s.n, n_event: 0, surv: 1, lower: 1, upper: 1 }, ...s.points];
  const rows = points.map((p) => [p.time, years(p.time), p.n_risk, p.n_event, fixed(p.surv, 4), fixed(p.lower, 4), fixed(p.upper, 4)]);
  const header = ['surv.days', 'surv.years', 'surv.n_risk', 'surv.n_event', 'surv.surv', 'rate.lci', 'rate.uci'].map((k) => t(k));
  let lo = 1, hi = 1;
  const limits = points.map((p) => { lo = p.lower ?? lo; hi = p.upper ?? hi; return [years(p.time), lo, hi]; });
  const upper = steps(limits.map(([x, , u]) => [x, u])), lower = steps(limits.map(([x, l]) => [x, l]));
  const band = {
    type: 'custom', name: t('surv.band'), silent: true, data: [0], z: 1,
    renderItem: (params, x) => ({ type: 'polygon', shape: { points: [...upper, ...lower.reverse()].map((p) => x.coord(p)) },
      style: { fill: 'rgba(84, 112, 198, 0.2)' } }),
  };
  return chartCard('stats.survival', 'survival', {
    ...axis, xAxis: { type: 'value', name: t('surv.years'), min: 0 }, yAxis: { type: 'value', min: 0, max: 1, name: t('surv.surv') },
    series: [band, { type: 'line', step: 'end', name: t('surv.surv'), data: points.map((p) => [years(p.time), p.surv]), symbol: 'none', lineStyle: { width: 2 }, z: 2 }],
  }, header, rows);
}

async function quality() {
  const r = await api('GET', '/api/stats/quality?by=site');
  const rows = r.items.map((x) => [siteName(x.site), x.cases, fixed(x.mv_percent, 1), fixed(x.dco_percent, 1), fixed(x.unknown_basis_percent, 1),
    fixed(x.unknown_site_percent, 1), fixed(x.morphology_nos_percent, 1), x.deaths, fixed(x.mi_ratio)]);
  const header = ['col.site', 'col.cases', 'q.mv', 'q.dco', 'q.unknown_basis', 'q.unknown_site', 'q.nos', 'q.deaths', 'q.mi'].map((k) => t(k));
  return chartCard('stats.quality', 'quality', {
    ...axis, xAxis: { type: 'category', data: rows.map((x) => x[0]), name: t('col.site') }, yAxis: { type: 'value', name: '%', max: 100 },
    series: [{ type: 'bar', name: t('q.mv'), data: rows.map((x) => x[2]) }, { type: 'bar', name: t('q.dco'), data: rows.map((x) => x[3]) },
      { type: 'bar', name: t('q.nos'), data: rows.map((x) => x[6]) }],
  }, header, rows);
}

async function followup() {
  const r = await api('GET', '/api/stats/followup');
  const rows = r.items.map((x) => [x.institution_id, x.persons, x.due, x.done, x.overdue, x.lost, x.dead, fixed((x.done_rate ?? 0) * 100, 1)]);
  const header = ['col.institution', 'fu.persons', 'fu.due', 'fu.done', 'fu.overdue', 'fu.lost', 'fu.dead', 'fu.done_rate'].map((k) => t(k));
  return chartCard('stats.followup', 'followup-perf', {
    ...axis, xAxis: { type: 'category', data: rows.map((x) => String(x[0])), name: t('col.institution') }, yAxis: { type: 'value' },
    series: [{ type: 'bar', name: t('fu.done'), data: rows.map((x) => x[3]) }, { type: 'bar', name: t('fu.overdue'), data: rows.map((x) => x[4]) },
      { type: 'bar', name: t('fu.lost'), data: rows.map((x) => x[5]) }],
  }, header, rows);
}

// Referrals received and sent by state: the server's totals, one request per state and box.
async function referrals() {
  const total = (box, state) => api('GET', `/api/referrals${qs({ box, state, limit: 1 })}`).then((p) => p.total);
  const counts = await Promise.all(rateStates.map((s) => Promise.all([total('incoming', s), total('outgoing', s)])));
  const rows = rateStates.map((s, i) => [t(`state.${s}`), counts[i][0], counts[i][1]]);
  return chartCard('stats.referrals', 'referral-perf', {
    ...axis, xAxis: { type: 'category', data: rows.map((x) => x[0]) }, yAxis: { type: 'value' },
    series: [{ type: 'bar', name: t('ref.incoming'), data: rows.map((x) => x[1]) }, { type: 'bar', name: t('ref.outgoing'), data: rows.map((x) => x[2]) }],
  }, [t('col.state'), t('ref.incoming'), t('ref.outgoing')], rows);
}

// Sites offered for the survival curve (ICD-10 prefixes; "" is every site).
const survivalSites = ['', 'C16', 'C18', 'C22', 'C34', 'C50', 'C53'];

export async function statsPage(view, me, params) {
  view.replaceChildren(h('h1', {}, t('stats.title')), h('p', {}, t('loading')));
  const site = survivalSites.includes(params.get('site')) ? params.get('site') : '';
  const chooser = h('select', { name: 'site', id: 'survival-site', onchange: (ev) => { location.hash = `#/stats?site=${ev.target.value}`; } },
    survivalSites.map((s) => h('option', { value: s, selected: s === site }, s || t('stats.all_sites'))));
  const region = me.region ? [section('stats.rates_year', ratesByYear), section('stats.rates_site', ratesBySite),
    section('stats.survival', () => survival(site)), section('stats.quality', quality)] : [];
  const cards = await Promise.all([...region, section('stats.followup', followup), section('stats.referrals', referrals)]);
  view.replaceChildren(h('h1', {}, t('stats.title')),
    me.region ? h('p', {}, h('label', {}, t('stats.survival_site'), ' ', chooser)) : message('ok', t('stats.institution_only')), ...cards);
}
