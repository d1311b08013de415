// register.js: registration of a person, the server's errors beside the fields, and the
// possible duplicates its check queued for the registry's review.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { fieldForm, h } from '../ui.js';

const personFields = [
  { name: 'name', label: 'form.name' },
  { name: 'id_number', label: 'form.id_number', maxlength: 18 },
  { name: 'sex', label: 'form.sex', options: [['1', 'sex.1'], ['2', 'sex.2']] },  // GB/T 2261.1 codes
  { name: 'birth_date', label: 'form.birth_date', type: 'date' },
  { name: 'phone', label: 'form.phone', type: 'tel' },
  { name: 'address', label: 'form.address' },
  { name: 'district', label: 'form.district' },
];

export function registerPage(view) {
  const fields = personFields.map((f) => (f.options ? { ...f, options: f.options.map(([v, k]) => [v, t(k)]) } : f));
  const f = fieldForm('register', fields, [['form.save', async (v) => {
    const p = await api('POST', '/api/persons', v);
    const saved = t('form.saved', { id: p.id });
    return p.duplicates_queued ? `${saved} ${t('form.duplicates', { n: p.duplicates_queued })}` : saved;
  }]]);
  view.replaceChildren(h('h1', {}, t('nav.register')), f.form, f.status);
}
