// dashboard.js: the screening and registry charts (ECharts), each downloadable as a table.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { chartCard } from '../charts.js';
import { card, h, message } from '../ui.js';
import { summaryKpis } from './home.js';

const funnelSteps = ['invited', 'assessed', 'high_risk', 'screened', 'positive', 'referred', 'detected', 'early'];
const percent = (v) => (v === null || v === undefined ? '' : (v * 100).toFixed(1));

// The screening charts: the funnel over every programme, the early-diagnosis rate by programme and by institution.
function screeningCharts(byProgramme, byInstitution) {
  if (!byProgramme.items.length) return [card('dash.funnel', h('p', { class: 'muted' }, t('dash.no_screening')))];
  const totals = funnelSteps.map((k) => [t(`fun.${k}`), byProgramme.items.reduce((s, r) => s + r[k], 0)]);
  const prog = byProgramme.items.map((r) => [t(`prog.${r.programme}`), r.detected, r.early, percent(r.early_rate)]);
  const inst = byInstitution.items.filter((r) => r.detected > 0)
    .map((r) => [`${r.institution_id} ${t(`prog.${r.programme}`)}`, r.detected, r.early, percent(r.early_rate)]);
  const rateBar = (rows) => ({
    grid: { left: 120 }, yAxis: { type: 'category', data: rows.map((r) => r[0]) }, xAxis: { type: 'value', max: 100 },
    series: [{ type: 'bar', name: t('col.early_rate'), data: rows.map((r) => r[3]) }],
  });
  const rateHeader = [t('col.programme'), t('col.detected'), t('col.early'), t('col.early_rate')];
  return [
    chartCard('dash.funnel', 'funnel', {
      series: [{ type: 'funnel', sort: 'none', left: '10%', width: '80%', label: { formatter: '{b}: {c}' },
        data: totals.map(([name, value]) => ({ name, value })) }],
    }, [t('col.stage'), t('col.persons')], totals),
    chartCard('dash.early_programme', 'early-programme', rateBar(prog), rateHeader, prog),
    chartCard('dash.early_institution', 'early-institution', rateBar(inst), [t('col.institution'), ...rateHeader.slice(1)], inst),
  ];
}

function summaryCharts(s) {
  const districts = s.districts.map((d) => [d.district, d.persons]);
  const registers = Object.entries(s.registers).map(([k, v]) => [t(`reg.${k}`), v]);
  return [
    chartCard('dash.districts', 'districts', {
      xAxis: { type: 'category', data: districts.map((d) => d[0]) }, yAxis: { type: 'value' },
      series: [{ type: 'bar', name: t('dash.persons'), data: districts.map((d) => d[1]) }],
    }, [t('col.district'), t('col.persons')], districts),
    chartCard('dash.sexes', 'sexes', {
      series: [{ type: 'pie', radius: ['40%', '70%'], data: [{ name: t('sex.1'), value: s.male }, { name: t('sex.2'), value: s.female }] }],
    }, [t('col.sex'), t('col.persons')], [[t('sex.1'), s.male], [t('sex.2'), s.female]]),
    chartCard('dash.registers', 'registers', {
      grid: { left: 160 }, yAxis: { type: 'category', data: registers.map((r) => r[0]) }, xAxis: { type: 'value' },
      series: [{ type: 'bar', name: t('col.rows'), data: registers.map((r) => r[1]) }],
    }, [t('col.register'), t('col.rows')], registers),
  ];
}

export async function dashboardPage(view) {
  view.replaceChildren(h('p', {}, t('loading')));
  let s, byProgramme, byInstitution;
  try {
    [s, byProgramme, byInstitution] = await Promise.all([api('GET', '/api/stats/summary'),
      api('GET', '/api/stats/screening?by=programme'), api('GET', '/api/stats/screening?by=institution')]);
  } catch (e) {
    view.replaceChildren(message('err', t('err.load', { message: e.message })));
    return;
  }
  const head = s.scope === 'region' ? [h('p', { class: 'muted' }, t('dash.as_of', { date: s.as_of })), summaryKpis(s)]
    : [message('ok', t('dash.institution_only', { n: s.persons }))];
  view.replaceChildren(h('h1', {}, t('dash.title')), ...head, ...screeningCharts(byProgramme, byInstitution),
    ...(s.scope === 'region' ? summaryCharts(s) : []));
}
