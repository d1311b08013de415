// ui.js: small DOM helpers shared by the pages: elements, messages,
// server-paged tables and CSV downloads.
import { t } from './i18n.js';

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
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
