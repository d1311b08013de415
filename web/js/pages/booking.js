// booking.js: finding free slots (GET /api/slots, a page of the server's
// at a time, the next page starting after the last slot shown), booking
// one for a person (POST /api/appointments), and the appointment's
// actions: cancel, attended, no-show.
import { api, qs } from '../api.js';
import { t } from '../i18n.js';
import { card, fieldForm, h, message, today } from '../ui.js';

// The services of lib/network/booking.c.
const services = ['ldct', 'endoscopy', 'colonoscopy', 'mammography', 'ultrasound', 'clinic'];
const pageSize = 20;

// The minute after a "YYYY-MM-DDTHH:MM" time, in the same form (the region's local time).
function nextMinute(at) {
  const d = new Date(`${at}:00Z`);
  d.setUTCMinutes(d.getUTCMinutes() + 1);
  return d.toISOString().slice(0, 16);
}

// An appointment with the buttons of its actions.
function appointmentCard(a) {
  const f = fieldForm('appointment', [{ name: 'reason', label: 'col.reason' }],
    ['cancel', 'attend', 'no_show'].map((action) => [`book.action.${action}`, async (v) => {
      const r = await api('POST', `/api/appointments/${a.id}/${action}`, action === 'cancel' ? { reason: v.reason } : {});
      return t('book.state', { id: r.id, state: t(`state.${r.state}`) });
    }]));
  return h('div', {}, card('book.appointment', h('p', { id: 'appointment-info', 'data-id': a.id },
    t('book.booked', { id: a.id, at: a.starts_at, service: t(`svc.${a.service}`), state: t(`state.${a.state}`) }))), f.form, f.status);
}

export function bookingPage(view, params) {
  const result = h('div', { id: 'booking-result' });
  const list = h('div', { id: 'slots' });
  const book = fieldForm('book', [
    { name: 'person', label: 'form.person', value: params.get('person') || '' },
    { name: 'slot', label: 'book.slot', readonly: true },
    { name: 'note', label: 'book.note' },
  ], [['book.submit', async (v) => {
    const a = await api('POST', '/api/appointments', v);
    result.replaceChildren(appointmentCard(a));
    return t('book.done', { id: a.id });
  }]]);
  async function show(query) {
    list.replaceChildren(h('p', { class: 'muted' }, t('loading')));
    let page;
    try { page = await api('GET', `/api/slots${qs({ ...query, free: 1, limit: pageSize })}`); } catch (e) {
      list.replaceChildren(message('err', t('err.load', { message: e.message })));
      return;
    }
    const rows = page.items.map((s) => h('tr', { class: 'link', onclick: () => {
      book.inputs.slot.value = String(s.id);
      book.form.querySelector('[data-action="book.submit"]').focus();
    } }, [s.id, s.starts_at, s.ends_at, t(`svc.${s.service}`), s.institution_id, `${s.booked}/${s.capacity}`].map((c) => h('td', {}, String(c)))));
    const last = page.items[page.items.length - 1];
    list.replaceChildren(page.items.length ? h('table', {}, h('thead', {}, h('tr', {},
      ['col.id', 'book.starts', 'book.ends', 'book.service', 'col.institution', 'book.booked_of'].map((k) => h('th', {}, t(k))))),
    h('tbody', {}, rows)) : h('p', {}, t('book.none')),
    h('div', { class: 'pager' }, h('button', { type: 'button', disabled: page.items.length < pageSize,
      onclick: () => show({ ...query, from: nextMinute(last.starts_at) }) }, t('page.next'))));
  }
  const search = fieldForm('slot-search', [
    { name: 'service', label: 'book.service', options: services.map((s) => [s, t(`svc.${s}`)]) },
    { name: 'institution', label: 'col.institution' },
    { name: 'from', label: 'book.from', type: 'date', value: params.get('from') || today() },
  ], [['book.search', async (v) => {
    await show({ ...v, from: v.from ? `${v.from}T00:00` : undefined });
    return null;
  }]]);
  view.replaceChildren(h('h1', {}, t('nav.booking')), search.form, card('book.free', list), book.form, book.status, result);
}
