// pages.js: the views of the web UI, one function per route.  Each
// renders into the view element and reads only through the JSON API.
import { api, login, qs, upload } from './api.js';
import { t } from './i18n.js';
import { card, downloadCsv, h, message, pagedTable } from './ui.js';

const personColumns = [
  { key: 'id', label: 'col.id' },
  { key: 'name', label: 'col.name' },
  { key: 'sex', label: 'col.sex', format: (r) => t(`sex.${r.sex}`) },
  { key: 'birth_date', label: 'col.birth_date' },
  { key: 'id_number', label: 'col.id_number' },
  { key: 'phone', label: 'col.phone' },
  { key: 'district', label: 'col.district' },
  { key: 'vital_status', label: 'col.vital_status', format: (r) => t(`vital.${r.vital_status}`) },
];

const visitColumns = [
  { key: 'person_name', label: 'col.name' },
  { key: 'phone', label: 'col.phone' },
  { key: 'plan', label: 'col.plan' },
  { key: 'seq', label: 'col.seq' },
  { key: 'due', label: 'col.due' },
  { key: 'days_overdue', label: 'col.days_overdue' },
  { key: 'attempts', label: 'col.attempts' },
];

const institutionColumns = [
  { key: 'id', label: 'col.id' },
  { key: 'uscc', label: 'col.code' },
  { key: 'name', label: 'col.name' },
  { key: 'kind', label: 'col.kind', format: (r) => t(`inst.${r.kind}`) },
  { key: 'district', label: 'col.district' },
];

const auditColumns = [
  { key: 'at', label: 'col.at' },
  { key: 'user_id', label: 'col.user' },
  { key: 'institution_id', label: 'col.institution' },
  { key: 'action', label: 'col.action' },
  { key: 'resource', label: 'col.resource' },
  { key: 'result', label: 'col.result' },
  { key: 'client', label: 'col.client' },
];

const go = (hash) => { location.hash = hash; };
const personTable = (params) => pagedTable(personColumns,
  (limit, offset) => api('GET', `/api/persons${qs({ ...params, limit, offset })}`),
  { onRow: (r) => go(`#/person/${r.id}`) });
const worklistTable = () => pagedTable(visitColumns,
  (limit, offset) => api('GET', `/api/followup/worklist${qs({ limit, offset })}`),
  { onRow: (r) => go(`#/person/${r.person_id}`) });
const institutionTable = () => pagedTable(institutionColumns,
  (limit, offset) => api('GET', `/api/institutions${qs({ limit, offset })}`));
const auditTable = () => pagedTable(auditColumns,
  (limit, offset) => api('GET', `/api/audit${qs({ limit, offset })}`));

export function loginPage(view, onLogin) {
  const err = h('div');
  const user = h('input', { name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card login', id: 'login' },
    h('h1', {}, t('login.title')),
    h('label', {}, t('login.username'), user),
    h('label', {}, t('login.password'), pass),
    h('p', {}, h('button', { type: 'submit' }, t('login.submit'))), err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await login(user.value, pass.value);
      onLogin(r.user);
    } catch (e) {
      err.replaceChildren(message('err', t('login.failed', { message: e.message })));
    }
  });
  view.replaceChildren(form);
  user.focus();
}

// The home page of each role: the lists its work starts from.
const homeSections = {
  screening: (me) => [card('home.persons', personTable({}))],
  clinician: (me) => [card('home.persons', personTable({}))],
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

function summaryKpis() {
  const box = h('div', { class: 'kpis' }, t('loading'));
  api('GET', '/api/stats/summary').then((s) => {
    if (s.scope !== 'region') {
      box.replaceChildren(h('div', { class: 'kpi' }, t('dash.institution_only', { n: s.persons })));
      return;
    }
    box.replaceChildren(...[['dash.persons', s.persons], ['dash.male', s.male], ['dash.female', s.female], ['dash.dead', s.dead]]
      .map(([k, v]) => h('div', { class: 'kpi' }, h('b', {}, String(v)), t(k))));
  }).catch((e) => box.replaceChildren(message('err', t('err.load', { message: e.message }))));
  return box;
}

export function personsPage(view, params) {
  const input = h('input', { type: 'search', name: 'q', value: params.get('q') || '', size: 40, placeholder: t('persons.search') });
  const form = h('form', { id: 'search' }, input, ' ', h('button', { type: 'submit' }, t('persons.go')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); go(`#/persons?q=${encodeURIComponent(input.value.trim())}`); });
  view.replaceChildren(h('h1', {}, t('nav.persons')), h('section', { class: 'card' }, form,
    params.get('q') ? personTable({ q: params.get('q') }) : ''));
  input.focus();
}

// The facts of a timeline event after its kind: codes, stage, state.
function eventDetail(e) {
  const parts = [e.topography, e.icd10, e.treatment, e.referral, e.consultation, e.service].filter(Boolean);
  if (e.stage) parts.push(`${t('tl.stage')} ${e.stage}`);
  if (e.state) parts.push(`${t('tl.state')} ${e.state}`);
  return parts.join(' · ');
}

export async function personPage(view, id) {
  view.replaceChildren(h('p', {}, t('loading')));
  let tl;
  try { tl = await api('GET', `/api/persons/${encodeURIComponent(id)}/timeline`); } catch (e) {
    view.replaceChildren(message('err', t('err.load', { message: e.message })));
    return;
  }
  const p = tl.person;
  const row = (k, v) => h('tr', {}, h('th', {}, t(k)), h('td', {}, v ?? t('none')));
  view.replaceChildren(h('h1', {}, `${t('person.title')}：${p.name}`),
    h('section', { class: 'card' }, h('table', { id: 'person' },
      row('col.id', String(p.id)), row('col.name', p.name), row('col.sex', t(`sex.${p.sex}`)),
      row('col.birth_date', p.birth_date), row('col.id_number', p.id_number), row('col.phone', p.phone),
      row('person.address', p.address), row('col.district', p.district),
      row('col.institution', String(p.institution_id)), row('col.vital_status', t(`vital.${p.vital_status}`)),
      row('person.version', String(p.version))),
    p.masked ? h('p', { class: 'muted' }, t('person.masked')) : ''),
    card('person.timeline', h('ul', { class: 'timeline', id: 'timeline' }, tl.events.map((e) =>
      h('li', { 'data-kind': e.kind }, h('b', {}, `${e.date} ${t(`tl.${e.kind}`)}`), ' ', eventDetail(e))))));
}

const personFields = [
  ['name', 'form.name', { required: true }],
  ['id_number', 'form.id_number', { maxlength: 18 }],
  ['sex', 'form.sex', { select: ['1', '2'] }],  // GB/T 2261.1 codes
  ['birth_date', 'form.birth_date', { type: 'date' }],
  ['phone', 'form.phone', { type: 'tel' }],
  ['address', 'form.address', {}],
  ['district', 'form.district', {}],
];

// A form whose fields show the server's field-level error beside them.
export function registerPage(view) {
  const inputs = {}, errors = {};
  const status = h('div');
  const form = h('form', { class: 'grid card', id: 'register', novalidate: true });
  personFields.forEach(([name, label, opt]) => {
    inputs[name] = opt.select
      ? h('select', { name }, h('option', { value: '' }, ''), opt.select.map((v) => h('option', { value: v }, t(`sex.${v}`))))
      : h('input', { name, type: opt.type || 'text', maxlength: opt.maxlength });
    errors[name] = h('span', { class: 'field-error', 'data-field': name });
    form.append(h('label', { for: name }, t(label)), inputs[name], errors[name]);
  });
  form.append(h('span'), h('button', { type: 'submit' }, t('form.save')), h('span'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    Object.values(errors).forEach((e) => { e.textContent = ''; });
    Object.values(inputs).forEach((i) => i.classList.remove('bad'));
    const body = {};
    Object.entries(inputs).forEach(([k, i]) => { if (i.value.trim()) body[k] = i.value.trim(); });
    try {
      const p = await api('POST', '/api/persons', body);
      status.replaceChildren(message('ok', t('form.saved', { id: p.id })));
    } catch (e) {
      if (e.field && errors[e.field]) {
        errors[e.field].textContent = e.message;
        inputs[e.field].classList.add('bad');
      }
      status.replaceChildren(message('err', t('form.error', { message: e.message })));
    }
  });
  view.replaceChildren(h('h1', {}, t('nav.register')), form, status);
}

// A chart card with a CSV download of the table behind it.
function chartCard(titleKey, id, option, header, rows) {
  const box = h('div', { class: 'chart', id });
  const button = h('button', { type: 'button', class: 'csv', 'data-chart': id,
    onclick: () => downloadCsv(`${id}.csv`, header, rows) }, t('dash.csv'));
  const section = card(titleKey, box, button);
  requestAnimationFrame(() => {
    const chart = window.echarts.init(box);
    chart.setOption({ animation: false, tooltip: {}, ...option });
    window.addEventListener('resize', () => chart.resize());
  });
  return section;
}

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
  const head = s.scope === 'region' ? [h('p', { class: 'muted' }, t('dash.as_of', { date: s.as_of })), summaryKpis()]
    : [message('ok', t('dash.institution_only', { n: s.persons }))];
  view.replaceChildren(h('h1', {}, t('dash.title')), ...head, ...screeningCharts(byProgramme, byInstitution),
    ...(s.scope === 'region' ? summaryCharts(s) : []));
}

export function worklistPage(view) { view.replaceChildren(h('h1', {}, t('nav.worklist')), card('home.worklist', worklistTable())); }
export function institutionsPage(view) { view.replaceChildren(h('h1', {}, t('nav.institutions')), card('home.institutions', institutionTable())); }
export function auditPage(view) { view.replaceChildren(h('h1', {}, t('nav.audit')), card('home.audit', auditTable())); }

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

const problemColumns = ['row', 'line', 'field', 'value', 'reason'];

// The refused rows of an import as a table.
function problemTable(problems) {
  return h('table', { id: 'problems' }, h('thead', {}, h('tr', {}, problemColumns.map((c) => h('th', {}, t(`col.${c}`))))),
    h('tbody', {}, problems.map((p) => h('tr', {}, problemColumns.map((c) => h('td', {}, String(p[c] ?? '')))))));
}

// CSV upload of persons with a progress bar and the per-row error report.
export function importPage(view) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv' });
  const skip = h('input', { type: 'checkbox', name: 'skip_bad_rows' });
  const bar = h('progress', { id: 'progress', max: 100, value: 0 });
  const status = h('div', { id: 'import-status' });
  const report = h('div', { id: 'import-report' });
  const form = h('form', { class: 'card', id: 'import' },
    h('p', {}, h('label', {}, t('import.file'), ' ', file)),
    h('p', {}, h('label', {}, skip, ' ', t('import.skip'))),
    h('p', {}, h('button', { type: 'submit' }, t('import.submit')), ' ', bar), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return;
    report.replaceChildren();
    bar.value = 0;
    const r = await upload(`/api/import/persons${qs({ skip_bad_rows: skip.checked ? 1 : '' })}`, file.files[0], (f) => {
      bar.value = Math.round(f * 100);
      status.textContent = f < 1 ? t('import.uploading', { percent: Math.round(f * 100) }) : t('import.working');
    });
    bar.value = 100;
    const b = r.body || {};
    if (r.status === 200) status.replaceChildren(message('ok', t('import.done', b.report)));
    else if (b.problems) status.replaceChildren(message('err', t('import.refused', { n: b.problem_count })));
    else status.replaceChildren(message('err', t('form.error', { message: (b.error && b.error.message) || r.status })));
    if (b.problems && b.problems.length) report.replaceChildren(card('import.problems', problemTable(b.problems)));
    const heading = report.querySelector('h2');
    if (heading) heading.textContent = t('import.problems', { n: b.problem_count });
  });
  view.replaceChildren(h('h1', {}, t('nav.import')), form, report);
}
