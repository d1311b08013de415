// ui.js: small DOM helpers shared by the pages: elements, messages,
// server-paged tables and CSV downloads.
import { t } from './i18n.js';

let serverToday = null;

// Remember the server's day (GET /api/me): forms default to it, not to the browser's clock.
export function setToday(day) { serverToday = day; }

// The day of the server as YYYY-MM-DD, else the browser's.
export function today() { return serverToday || new Date().toISOString().slice(0, 10); }

// Create an element: h('td', {class: 'x'}, 'text', child...).
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v);
  });
  children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(c ?? '')));
  return e;
}

export function message(kind, text) { return h('div', { class: `msg ${kind}`, role: 'status' }, text); }

// A card section with a title.
export function card(titleKey, ...children) { return h('section', { class: 'card' }, h('h2', {}, t(titleKey)), ...children); }

/*
 * A table paged by the server.  columns: [{key, label, format(row)}];
 * fetchPage(limit, offset) resolves to {items, total, limit, offset};
 * onRow(row) makes rows clickable.
 */
export function pagedTable(columns, fetchPage, { pageSize = 20, onRow } = {}) {
  const wrap = h('div', { class: 'paged' });
  let offset = 0;
  async function show() {
    wrap.replaceChildren(h('p', { class: 'muted' }, t('loading')));
    let page;
    try { page = await fetchPage(pageSize, offset); } catch (e) {
      wrap.replaceChildren(message('err', t('err.load', { message: e.message })));
      return;
    }
    const head = h('tr', {}, columns.map((c) => h('th', {}, t(c.label))));
    const rows = page.items.map((r) => h('tr', onRow ? { class: 'link', onclick: () => onRow(r) } : {},
      columns.map((c) => h('td', {}, String(c.format ? c.format(r) : (r[c.key] ?? ''))))));
    const to = Math.min(page.offset + page.items.length, page.total);
    const pager = h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - pageSize); show(); } }, t('page.prev')),
      h('span', { class: 'info' }, t('page.info', { from: page.total ? page.offset + 1 : 0, to, total: page.total })),
      h('button', { type: 'button', disabled: to >= page.total, onclick: () => { offset += pageSize; show(); } }, t('page.next')));
    wrap.replaceChildren(page.items.length ? h('table', {}, h('thead', {}, head), h('tbody', {}, rows))
      : h('p', {}, t('persons.none')), pager);
  }
  show();
  return wrap;
}

// Download rows (arrays) as a CSV file named name, with a BOM so that spreadsheets read UTF-8.
export function downloadCsv(name, header, rows) {
  const cell = (v) => {
    const s = String(v ?? '');
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
  downloadBlob(name, new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }));
}

// Save a Blob as a file named name.
export function downloadBlob(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// The label of a field named by the server: its catalogue entry, else the name.
export function fieldLabel(name) {
  const key = `field.${name}`;
  const text = t(key);
  return text === key ? name : text;
}

// Kinds of refusal recognised in the server's (English) messages, most specific first.
const reasons = [
  [/is required|missing|needs? (a |an )?\w+/i, 'required'],
  [/does not exist|not found/i, 'notfound'],
  [/check (digit|character)/i, 'check'],
  [/in the future/i, 'future'],
  [/out of range|must be between|at most|at least|too (long|large|small|big)|exceeds/i, 'range'],
  [/version|stale|changed/i, 'version'],
  [/impossible|unlikely|implausible/i, 'implausible'],
  [/already|conflict|full|duplicate/i, 'conflict'],
  [/cannot|may not|not allowed|only/i, 'forbidden'],
  [/invalid|must be|not a |unknown|has no/i, 'invalid'],
];

/*
 * A server error in the catalogue's language: the field (its label) and
 * the kind of refusal read from the message, else the HTTP status.  The
 * server's own words stay available as the element's title.
 */
export function errorText(e) {
  const why = reasons.find(([re]) => re.test(e.message || ''));
  const reason = why ? t(`why.${why[1]}`) : t(`status.${e.status || 0}`);
  return e.field ? t('err.field', { field: fieldLabel(e.field), reason }) : reason;
}

// The input of a described field: a select of options [[value, label]], else an input.
export function fieldInput(f) {
  if (f.options) {
    return h('select', { name: f.name }, f.required ? '' : h('option', { value: '' }, ''),
      f.options.map(([v, label]) => h('option', { value: v, selected: String(f.value ?? '') === String(v) }, label)));
  }
  if (f.type === 'textarea') return h('textarea', { name: f.name, rows: 2 }, f.value ?? '');
  return h('input', { name: f.name, type: f.type || 'text', value: f.value ?? '', step: f.step, placeholder: f.placeholder,
    maxlength: f.maxlength, readonly: f.readonly });
}

// The input of a classifier or questionnaire field: a select for "one of: ...", else a number box.
export function schemeField(field) {
  const m = field.type.match(/^one of: (.*)$/);
  const optionLabel = (v) => { const k = `opt.${v}`; return t(k) === k ? v : t(k); };
  return m ? { name: field.name, label: `field.${field.name}`, options: m[1].split(' ').map((v) => [v, optionLabel(v)]) }
    : { name: field.name, label: `field.${field.name}`, type: 'number', step: 'any', placeholder: field.type };
}

/*
 * A form of fields [{name, label (a message key), type, options, value}]
 * that shows the server's field-level error beside the field it names.
 * submit(values, button) sends the non-empty values and resolves to what to
 * show on success (text or a node); buttons: [[key, submit]] (the first
 * is the form's own).  Returns {form, status, inputs, fail}.
 */
export function fieldForm(id, fields, buttons) {
  const inputs = {}, errors = {};
  const status = h('div', { class: 'form-status' });
  const form = h('form', { class: 'grid card', id, novalidate: true });
  fields.forEach((f) => {
    inputs[f.name] = fieldInput(f);
    errors[f.name] = h('span', { class: 'field-error', 'data-field': f.name });
    form.append(h('label', { for: f.name }, f.label ? t(f.label) : fieldLabel(f.name)), inputs[f.name], errors[f.name]);
  });
  const clear = () => {
    Object.values(errors).forEach((e) => { e.textContent = ''; e.removeAttribute('title'); });
    Object.values(inputs).forEach((i) => i.classList.remove('bad'));
  };
  const fail = (e) => {
    if (e.field && errors[e.field]) {
      errors[e.field].textContent = errorText(e);
      errors[e.field].title = e.message;
      inputs[e.field].classList.add('bad');
    }
    const m = message('err', t('form.error', { message: errorText(e) }));
    m.title = e.message;
    status.replaceChildren(m);
  };
  const run = async (submit) => {
    clear();
    const values = {};
    Object.entries(inputs).forEach(([k, i]) => { if (i.value.trim()) values[k] = i.value.trim(); });
    try {
      const shown = await submit(values);
      status.replaceChildren(shown == null ? '' : (shown instanceof Node ? shown : message('ok', shown)));
    } catch (e) {
      if (e.status === undefined) throw e;
      fail(e);
    }
  };
  const row = h('p', { class: 'buttons' }, buttons.map(([key, submit], i) =>
    h('button', { type: i === 0 ? 'submit' : 'button', 'data-action': key, onclick: i === 0 ? undefined : () => run(submit) }, t(key))));
  form.append(h('span'), row, h('span'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(buttons[0][1]); });
  return { form, status, inputs, fail, clear };
}
