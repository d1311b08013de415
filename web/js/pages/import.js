// import.js: CSV upload of persons with a progress bar and the per-row report.
import { qs, upload } from '../api.js';
import { t } from '../i18n.js';
import { card, h, message } from '../ui.js';

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
    const found = b.report && b.report.duplicates_found;
    if (r.status === 200) status.replaceChildren(message('ok', found
      ? `${t('import.done', b.report)} ${t('import.duplicates', { n: found })}` : t('import.done', b.report)));
    else if (b.problems) status.replaceChildren(message('err', t('import.refused', { n: b.problem_count })));
    else status.replaceChildren(message('err', t('form.error', { message: (b.error && b.error.message) || r.status })));
    if (b.problems && b.problems.length) report.replaceChildren(card('import.problems', problemTable(b.problems)));
    const heading = report.querySelector('h2');
    if (heading) heading.textContent = t('import.problems', { n: b.problem_count });
  });
  view.replaceChildren(h('h1', {}, t('nav.import')), form, report);
}
