// export.js: the registry's lists as Excel or CSV files (GET /api/export/{list}), within the
// user's scope (an institution's own records, the cancer centre's whole area), ID and phone
// numbers masked unless the role may and the user asks; the registry workbook of a year (ncc)
// for the cancer centre.
import { getFile, qs } from '../api.js';
import { t } from '../i18n.js';
import { downloadBlob, fieldForm, h, today } from '../ui.js';

const lists = ['persons', 'tumours', 'treatments', 'deaths', 'populations', 'canreg5'];

// The fields of the form for the user me.
function exportFields(me) {
  const fields = [
    { name: 'list', label: 'export.list', required: true,
      options: (me.region ? [...lists, 'ncc'] : lists).map((l) => [l, t(`export.${l}`)]) },
    { name: 'format', label: 'export.format', required: true, options: [['xlsx', t('export.xlsx')], ['csv', t('export.csv')]] },
    { name: 'district', label: 'form.district', placeholder: '4401' },
    { name: 'year', label: 'export.year', type: 'number', value: Number(today().slice(0, 4)) - 1 },
  ];
  if (me.may_unmask) {
    fields.push({ name: 'unmask', label: 'export.numbers', required: true,
      options: [['', t('export.masked')], ['1', t('export.unmasked')]] });
  }
  return fields;
}

// Fetch the file the values ask for and save it; resolves to the message shown.
async function download(values) {
  const { list, ...params } = values;
  if (list === 'ncc') delete params.format;
  else delete params.year;
  const file = await getFile(`/api/export/${list}${qs(params)}`);
  downloadBlob(file.name, file.blob);
  return t('export.done', { name: file.name, kb: Math.ceil(file.blob.size / 1024) });
}

export function exportPage(view, me) {
  const f = fieldForm('export', exportFields(me), [['export.submit', download]]);
  const scope = h('p', { id: 'export-scope' }, t(me.region ? 'export.scope_region' : 'export.scope_own'));
  view.replaceChildren(h('h1', {}, t('nav.export')), scope, f.form, f.status);
}
