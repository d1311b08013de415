// import.js: CSV upload with a progress bar and the per-row report: persons for every
// institution, the other kinds of fangai import (tumours, death records...) for the cancer centre.
import { api, qs, upload } from '../api.js';
import { t } from '../i18n.js';
import { card, h, message } from '../ui.js';

const problemColumns = ['row', 'line', 'field', 'value', 'reason'];

// The kinds the cancer centre uploads, and the options each one needs besides the file.
const kinds = [['persons'], ['tumours'], ['treatments'], ['deaths'], ['questionnaires', 'programme'],
  ['exams', 'programme', 'exam_type'], ['followups'], ['populations'], ['life-tables', 'source']];

// The refused rows of an import as a table.
function problemTable(problems) {
  return h('table', { id: 'problems' }, h('thead', {}, h('tr', {}, problemColumns.map((c) => h('th', {}, t(`col.${c}`))))),
    h('tbody', {}, problems.map((p) => h('tr', {}, problemColumns.map((c) => h('td', {}, String(p[c] ?? '')))))));
}

// The kind select and the option inputs; the inputs a kind does not need are hidden.
function kindFields() {
  const kind = h('select', { name: 'kind' }, kinds.map(([k]) => h('option', { value: k }, t(`import.kind.${k}`))));
  const inputs = Object.fromEntries(['source', 'programme', 'exam_type'].map((n) => [n, h('input', { name: n })]));
  const rows = Object.entries(inputs).map(([n, input]) => h('p', { 'data-option': n }, h('label', {}, t(`import.${n}`), ' ', input)));
  const show = () => {
    const needs = kinds.find(([k]) => k === kind.value).slice(1);
    rows.forEach((r) => { r.hidden = r.dataset.option !== 'source' && !needs.includes(r.dataset.option); });
  };
  kind.addEventListener('change', show);
  show();
  const values = () => ({ kind: kind.value, ...Object.fromEntries(Object.entries(inputs).map(([n, i]) => [n, i.value.trim()])) });
  return { nodes: [h('p', {}, h('label', {}, t('import.kind'), ' ', kind)), ...rows], values };
}

// After death records are uploaded: a button linking them to persons (POST /api/deaths/link).
function linkDeathsButton() {
  const done = h('div', { id: 'deaths-linked' });
  const button = h('button', { type: 'button', 'data-action': 'link-deaths', onclick: async () => {
    button.disabled = true;
    try {
      done.replaceChildren(message('ok', t('import.deaths_linked', await api('POST', '/api/deaths/link'))));
    } catch (e) {
      done.replaceChildren(message('err', t('form.error', { message: e.message })));
    }
  } }, t('import.link_deaths'));
  return h('p', {}, button, done);
}

// CSV upload with a progress bar and the per-row error report.
export function importPage(view, me) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv' });
  const skip = h('input', { type: 'checkbox', name: 'skip_bad_rows' });
  const kind = me.region ? kindFields() : { nodes: [], values: () => ({ kind: 'persons' }) };
  const bar = h('progress', { id: 'progress', max: 100, value: 0 });
  const status = h('div', { id: 'import-status' });
  const report = h('div', { id: 'import-report' });
  const form = h('form', { class: 'card', id: 'import' }, ...kind.nodes,
    h('p', {}, h('label', {}, t(me.region ? 'import.file_any' : 'import.file'), ' ', file)),
    h('p', {}, h('label', {}, skip, ' ', t('import.skip'))),
    h('p', {}, h('button', { type: 'submit' }, t('import.submit')), ' ', bar), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return;
    report.replaceChildren();
    bar.value = 0;
    const { kind: k, ...options } = kind.values();
    const r = await upload(`/api/import/${k}${qs({ ...options, skip_bad_rows: skip.checked ? 1 : '' })}`, file.files[0], (f) => {
      bar.value = Math.round(f * 100);
      status.textContent = f < 1 ? t('import.uploading', { percent: Math.round(f * 100) }) : t('import.working');
    });
    bar.value = 100;
    const b = r.body || {};
    const found = b.report && b.report.duplicates_found;
    if (r.status === 200) status.replaceChildren(message('ok', found
      ? `${t('import.done', b.report)} ${t('import.duplicates', { n: found })}` : t('import.done', b.report)));
    else if (b.problems) status.replaceChildren(message('err', t('import.refused', { n: b.problem_count })));
    else status.replaceChildren(message('err', t('form.error', { message: (b.error && b.error.message) || r.status })));
    if (r.status === 200 && k === 'deaths') status.append(linkDeathsButton());
    if (b.problems && b.problems.length) report.replaceChildren(card('import.problems', problemTable(b.problems)));
    const heading = report.querySelector('h2');
    if (heading) heading.textContent = t('import.problems', { n: b.problem_count });
  });
  view.replaceChildren(h('h1', {}, t('nav.import')), form, report);
}
