// tumour.js: registering a primary tumour (POST /api/tumours).  The
// IARC/IACR checks run on save: an error refuses it and is shown beside
// its field; warnings come back as findings, listed with their field.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { fieldForm, fieldLabel, h, message } from '../ui.js';

// ICD-O-3 behaviour codes and the IACR basis of diagnosis codes (0-9).
const behaviours = ['0', '1', '2', '3', '6', '9'];
const bases = ['0', '1', '2', '4', '5', '6', '7', '9'];
const coded = (prefix, codes) => codes.map((c) => [c, `${c} ${t(`${prefix}.${c}`)}`]);

// A check finding in the catalogue's words: its code's text, the field it names.
function findingItem(f) {
  const key = `check.${f.code}`;
  return h('li', { 'data-code': f.code, title: f.message },
    `${fieldLabel(f.field)}：${t(key) === key ? t('check.other', { code: f.code }) : t(key)}`);
}

export function tumourPage(view, params) {
  const fields = [
    { name: 'person', label: 'form.person', value: params.get('person') || '' },
    { name: 'incidence_date', type: 'date' },
    { name: 'topography', placeholder: 'C34.1' },
    { name: 'morphology', placeholder: '8140' },
    { name: 'behaviour', options: coded('behaviour', behaviours) },
    { name: 'grade', options: ['1', '2', '3', '4', '9'].map((g) => [g, g]) },
    { name: 'basis', options: coded('basis', bases) },
    { name: 't', placeholder: 'T1b' },
    { name: 'n', placeholder: 'N0' },
    { name: 'm', placeholder: 'M0' },
  ];
  const f = fieldForm('tumour', fields, [['form.save', async (v) => {
    const r = await api('POST', '/api/tumours', v);
    const saved = message('ok', t('tumour.saved', { id: r.id, icd10: r.icd10 || '', stage: r.stage || t('none') }));
    if (!r.findings.length) return saved;
    return h('div', {}, saved, h('h3', {}, t('tumour.findings', { n: r.findings.length })),
      h('ul', { id: 'findings' }, r.findings.map(findingItem)));
  }]]);
  view.replaceChildren(h('h1', {}, t('nav.tumour')), f.form, f.status);
}
