// tests/web/forms.mjs: the forms, the person timeline and the statistics
// of the web UI in chromium.  Each flow logs in as the role that does the
// task, makes the server refuse a value first (the error must appear beside
// its field, in Chinese), completes the task, and checks the result
// through the API.  Prints TAP lines.
// Environment (set by tests/cli/web.sh): BASE, ACCOUNTS, CHROMIUM, SHOTS,
// Q_PERSON (invited to lung screening), REF_PERSON (of the community centre),
// EXAM_PERSON (with screening exams).
import { readFileSync } from 'node:fs';
import { BASE, apiGet, check, chinese, loginAs, runFlows, shot } from './lib/browser.mjs';

const { Q_PERSON, REF_PERSON, EXAM_PERSON } = process.env;
const CJK = /[\u4e00-\u9fff]/;

// Submit with button, then expect the server's error beside field, in Chinese, the input marked.
async function refusedBeside(page, form, button, field) {
  await page.click(`#${form} ${button}`);
  const error = page.locator(`#${form} .field-error[data-field=${field}]:not(:empty)`);
  try { await error.waitFor({ timeout: 10000 }); } catch {
    throw new Error(`no error beside ${field}; the page says: ${await page.locator('main .form-status').allInnerTexts()}`);
  }
  const text = await error.innerText();
  const marked = (await page.locator(`#${form} [name=${field}]`).getAttribute('class') || '').includes('bad');
  if (!CJK.test(text) || !marked) throw new Error(`error beside ${field}: "${text}", marked ${marked}`);
  return true;
}

async function download(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync(await d.path());
}

const csvLines = (buf) => buf.toString('utf8').replace(/^\ufeff/, '').trim().split(/\r\n/);

async function questionnaire(context) {
  const page = await loginAs(context, 'c01.screening');
  await page.goto(`${BASE}/#/questionnaire?programme=lung&person=${Q_PERSON}`);
  await page.waitForSelector('#questionnaire input[name=pack_years]');
  await page.fill('#questionnaire input[name=pack_years]', '400');
  await check('questionnaire: 400 pack-years is refused beside the field, in Chinese',
    () => refusedBeside(page, 'questionnaire', 'button[type=submit]', 'pack_years'));
  await page.fill('#questionnaire input[name=pack_years]', '40');
  for (const item of ['years_since_quit', 'passive_smoking_years', 'occupational_exposure_years']) {
    await page.fill(`#questionnaire input[name=${item}]`, '0');
  }
  await page.selectOption('#questionnaire select[name=copd]', 'no');
  await page.selectOption('#questionnaire select[name=family_history]', 'no');
  await page.click('#questionnaire button[type=submit]');
  await page.waitForSelector('#q-result');
  await check('questionnaire: 40 pack-years is assessed high risk (lung programme)',
    async () => (await page.locator('#q-result').innerText()).includes('高危'));
  const tl = await apiGet(page, `/api/persons/${Q_PERSON}/timeline`);
  await check('questionnaire: the API has the questionnaire in the lung episode, high risk',
    () => tl.body.events.some((e) => e.kind === 'questionnaire' && e.programme === 'lung' && e.high_risk === true));
  await check('questionnaire: the page is in Chinese', () => chinese(page));
  await shot(page, 'questionnaire');
  await page.close();
}

async function referral(context) {
  const page = await loginAs(context, 'c01.screening');
  await page.goto(`${BASE}/#/referrals?person=${REF_PERSON}`);
  await page.waitForSelector('#referral-new select[name=kind]');
  await page.selectOption('#referral-new select[name=kind]', 'suspected_cancer');
  await page.fill('#referral-new input[name=reason]', '低剂量CT 发现 4A 类结节');
  await check('referral: a referral without a receiving institution is refused beside the field',
    () => refusedBeside(page, 'referral-new', 'button[type=submit]', 'to'));
  await page.fill('#referral-new input[name=to]', '2');
  await page.click('#referral-new button[type=submit]');
  await page.waitForSelector('main .form-status .msg.ok');
  const sent = await apiGet(page, `/api/referrals?box=outgoing&person=${REF_PERSON}`);
  const r = sent.body.items[0];
  await check('referral: the community centre has sent it to the hospital',
    () => sent.body.total === 1 && r.to_institution_id === 2 && r.state === 'requested');
  await page.close();

  const h = await loginAs(context, 'h1.clinician');
  await h.goto(`${BASE}/#/referrals?box=incoming`);
  await h.waitForSelector('main table tbody tr');
  await h.locator('main table tbody tr', { hasText: String(REF_PERSON) }).first().click();
  await h.waitForSelector('#referral-state[data-state=requested]');
  await check('referral: the hospital finds it in its inbox', () => true);
  await check('referral: rejecting without a reason is refused beside the reason',
    () => refusedBeside(h, 'referral-action', 'button[data-action="ref.action.reject"]', 'reason'));
  const steps = [['accept', 'accepted'], ['schedule', 'scheduled'], ['attend', 'attended']];
  for (const [action, state] of steps) {
    if (action === 'schedule') await h.fill('#referral-action input[name=appointment_at]', '2027-01-05T09:00');
    await h.click(`#referral-action button[data-action="ref.action.${action}"]`);
    await h.waitForSelector(`#referral-state[data-state=${state}]`);
  }
  await check('referral: completing without a report is refused beside the report',
    () => refusedBeside(h, 'referral-action', 'button[data-action="ref.action.complete"]', 'report'));
  await h.fill('#referral-action textarea[name=report]', '病理确诊腺癌，已反馈');
  await h.click('#referral-action button[data-action="ref.action.complete"]');
  await h.waitForSelector('#referral-state[data-state=completed]');
  const done = await apiGet(h, `/api/referrals/${r.id}`);
  await check('referral: accepted, scheduled, attended and completed, as the API records',
    () => done.body.state === 'completed' && done.body.events.map((e) => e.action).join(',') === 'request,accept,schedule,attend,complete');
  await check('referral: the page is in Chinese', () => chinese(h));
  await shot(h, 'referral');
  await h.close();
}

// The community centre books a low-dose CT at the hospital for its resident.
async function booking(context) {
  const page = await loginAs(context, 'c01.screening');
  await page.goto(`${BASE}/#/booking?person=${REF_PERSON}&from=2027-01-04`);
  await page.waitForSelector('#slot-search select[name=service]');
  await page.selectOption('#slot-search select[name=service]', 'ldct');
  await page.fill('#slot-search input[name=institution]', '2');
  await page.click('#slot-search button[type=submit]');
  await page.waitForSelector('#slots tbody tr');
  const first = await page.locator('#slots tbody tr td:nth-child(2)').allInnerTexts();
  await page.click('#slots .pager button');
  await page.waitForFunction((f) => document.querySelector('#slots tbody td:nth-child(2)')?.textContent > f, first[first.length - 1]);
  await check('booking: a page of 20 free slots, the next page after the last one',
    async () => first.length === 20 && (await page.locator('#slots tbody tr').count()) > 0);
  await page.locator('#slots tbody tr').first().click();
  await page.click('#book button[type=submit]');
  await page.waitForSelector('#appointment-info, #book + .form-status .msg.err');
  if (!(await page.locator('#appointment-info').count())) throw new Error(await page.locator('#book + .form-status').innerText());
  const id = await page.locator('#appointment-info').getAttribute('data-id');
  const a = await apiGet(page, `/api/appointments/${id}`);
  await check('booking: the appointment is booked for the person, as the API says',
    () => a.body.state === 'booked' && String(a.body.person_id) === String(REF_PERSON) && a.body.service === 'ldct');
  await page.click('form#appointment button[data-action="book.action.no_show"]');
  await page.waitForSelector('#booking-result .form-status .msg.err');
  await check('booking: a no-show before the slot has begun is refused, in Chinese',
    async () => CJK.test(await page.locator('#booking-result .form-status .msg.err').innerText()));
  await page.fill('form#appointment input[name=reason]', '患者改期');
  await page.click('form#appointment button[type=submit]');
  await page.waitForSelector('#booking-result .form-status .msg.ok');
  const c = await apiGet(page, `/api/appointments/${id}`);
  await check('booking: the cancellation is stored', () => c.body.state === 'cancelled');
  await check('booking: the page is in Chinese', () => chinese(page));
  await shot(page, 'booking');
  await page.close();
}

async function tumour(context) {
  const page = await loginAs(context, 'ccc.registry');
  const persons = await apiGet(page, '/api/persons?limit=200');
  const woman = persons.body.items.find((p) => p.sex === '2' && p.vital_status === 'alive' && p.birth_date < '1975-01-01');
  await page.goto(`${BASE}/#/tumour?person=${woman.id}`);
  await page.waitForSelector('#tumour input[name=topography]');
  await page.fill('#tumour input[name=incidence_date]', '2025-06-10');
  await page.fill('#tumour input[name=topography]', 'C61.9');
  await page.fill('#tumour input[name=morphology]', '8140');
  await page.selectOption('#tumour select[name=behaviour]', '3');
  await page.selectOption('#tumour select[name=basis]', '1');
  await check('tumour: a prostate tumour for a woman is refused beside the topography (IARC check sex/site)',
    () => refusedBeside(page, 'tumour', 'button[type=submit]', 'topography'));
  await page.fill('#tumour input[name=topography]', 'C50.4');
  await page.fill('#tumour input[name=morphology]', '8500');
  await page.click('#tumour button[type=submit]');
  await page.waitForSelector('#findings li');
  await check('tumour: saved, with the check finding on the basis of diagnosis shown',
    async () => (await page.locator('#findings li[data-code="basis.histology"]').count()) === 1);
  const t = await apiGet(page, `/api/persons/${woman.id}/tumours`);
  await check('tumour: the API has the tumour', () => (t.body.items || t.body).some((x) => x.topography === 'C50.4'));
  await check('tumour: the page is in Chinese', () => chinese(page));
  await shot(page, 'tumour');
  await page.close();
}

async function contact(context) {
  const page = await loginAs(context, 'c01.followup');
  await page.goto(`${BASE}/#/worklist`);
  await page.waitForSelector('main table tbody tr');
  const before = await apiGet(page, '/api/followup/worklist?limit=100');
  const v = before.body.items[0];
  await page.locator('main table tbody tr').first().click();
  await page.waitForSelector('#contact-form select[name=outcome]');
  await page.selectOption('#contact-form select[name=method]', 'phone');
  await page.selectOption('#contact-form select[name=outcome]', 'dead');
  await check('follow-up: a death without its date is refused beside the date of death',
    () => refusedBeside(page, 'contact-form', 'button[type=submit]', 'death_date'));
  await page.selectOption('#contact-form select[name=outcome]', 'alive');
  await page.click('#contact-form button[type=submit]');
  await page.waitForSelector('#contact .form-status .msg.ok');
  const after = await apiGet(page, '/api/followup/worklist?limit=100');
  const tl = await apiGet(page, `/api/persons/${v.person_id}/timeline`);
  await check('follow-up: the visit leaves the worklist and the timeline shows it done, alive',
    () => after.body.total === before.body.total - 1 && !after.body.items.some((x) => x.id === v.id) &&
      tl.body.events.some((e) => e.kind === 'followup' && e.id === v.id && e.state === 'alive'));
  await page.goto(`${BASE}/#/person/${v.person_id}`);
  await page.waitForSelector('#timeline li[data-kind=followup]');
  await check('follow-up: the person timeline lists the visit', async () =>
    (await page.locator('#timeline li[data-kind=followup]').first().innerText()).includes('存活'));
  await check('follow-up: the page is in Chinese', () => chinese(page));
  await page.close();
}

async function timeline(context) {
  const page = await loginAs(context, 'c01.screening');
  await page.goto(`${BASE}/#/person/${EXAM_PERSON}`);
  await page.waitForSelector('#timeline li[data-kind=exam]');
  const tl = await apiGet(page, `/api/persons/${EXAM_PERSON}/timeline`);
  for (const kind of ['episode', 'exam']) {
    await check(`timeline: every screening ${kind} of the API is listed`, async () =>
      (await page.locator(`#timeline li[data-kind=${kind}]`).count()) === tl.body.events.filter((e) => e.kind === kind).length);
  }
  await check('timeline: the page is in Chinese', () => chinese(page));
  await shot(page, 'timeline-screening');
  await page.close();
}

async function stats(context) {
  const page = await loginAs(context, 'ccc.registry');
  await page.goto(`${BASE}/#/stats`);
  for (const id of ['rates-year', 'rates-site', 'survival', 'quality', 'followup-perf', 'referral-perf']) {
    try { await page.waitForSelector(`#${id} canvas`, { timeout: 15000 }); } catch {
      throw new Error(`chart ${id} is not drawn; the page says: ${(await page.locator('main').innerText()).slice(0, 400)}`);
    }
  }
  await page.waitForTimeout(300);
  await shot(page, 'stats');
  await check('stats: six charts drawn, in Chinese', () => chinese(page));
  const rates = await apiGet(page, '/api/stats/rates?by=year&standard=china2000,segi');
  const lines = csvLines(await download(page, 'button[data-chart=rates-year]'));
  await check('stats: the incidence trend downloads as CSV with the API cases and ASRs', () => {
    const rows = lines.slice(1).map((l) => l.split(','));
    return lines[0].startsWith('年份,病例数') && rows.length === rates.body.items.length &&
      rows.every((r, i) => r[1] === String(rates.body.items[i].cases) && r[4] === rates.body.items[i].asr.china2000.rate.toFixed(2));
  });
  const xlsx = await download(page, 'button[data-xlsx=rates-year]');
  await check('stats: the same table downloads as an Excel workbook', () => xlsx.length > 1000 && xlsx.subarray(0, 2).toString() === 'PK');
  const s = await apiGet(page, '/api/stats/survival');
  const surv = csvLines(await download(page, 'button[data-chart=survival]'));
  await check('stats: the survival curve downloads with every step and its 95% limits', () =>
    surv.length === s.body.points.length + 2 && surv[1].split(',')[4] === '1.0000' &&
    surv[surv.length - 1].split(',')[5] === (s.body.points[s.body.points.length - 1].lower ?? '').toFixed?.(4));
  const q = await apiGet(page, '/api/stats/quality?by=site');
  const ql = csvLines(await download(page, 'button[data-chart=quality]'));
  await check('stats: the data-quality indicators download per site', () => ql.length === q.body.items.length + 1);
  const f = await apiGet(page, '/api/stats/followup');
  await check('stats: follow-up performance per institution from the API', () => f.status === 200 && f.body.items.length > 0);
  await page.close();

  const c = await loginAs(context, 'c01.screening');
  await c.goto(`${BASE}/#/stats`);
  await c.waitForSelector('#referral-perf canvas');
  const own = await apiGet(c, '/api/stats/followup');
  await check("stats: a community centre sees its own follow-up and referrals only, no region rates",
    async () => (await c.locator('#rates-year').count()) === 0 && own.body.items.every((x) => x.institution_id === 10));
  await c.close();
}

await runFlows([questionnaire, referral, booking, tumour, contact, timeline, stats]);
