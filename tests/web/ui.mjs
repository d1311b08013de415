// tests/web/ui.mjs: the web UI in Debian's chromium through playwright-core.
// Logs in as each role, does the main task of its pages, checks the result
// through the API, saves screenshots, and checks that the text is Chinese
// and that another institution's person never appears.  Prints TAP lines.
// Environment (set by tests/cli/web.sh): BASE, ACCOUNTS, OTHER_PERSON, TUMOUR_PERSON, CHROMIUM, SHOTS.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, apiGet, check, chinese, firstColumn, loginAs, residentId, runFlows, shot } from './lib/browser.mjs';

const { OTHER_PERSON, TUMOUR_PERSON } = process.env;

async function screening(context, profile) {
  const page = await loginAs(context, 'c01.screening');
  await page.waitForSelector('main table tbody tr');
  await shot(page, 'home-screening');
  await check('screening: the home page is in Chinese', () => chinese(page));
  const ids = await firstColumn(page);
  const api = await apiGet(page, '/api/persons?limit=1000');
  const visible = new Set(api.body.items.map((p) => String(p.id)));
  await check('screening: the home lists only persons the API lets the centre see',
    () => ids.length > 0 && ids.every((id) => visible.has(id)));
  await check('screening: the pager shows the server total',
    async () => (await page.locator('main .pager .info').first().innerText()).includes(String(api.body.total)));

  await page.goto(`${BASE}/#/person/${OTHER_PERSON}`);
  await page.waitForSelector('main .msg.err');
  await check("screening: another institution's person is not shown",
    async () => (await page.locator('main table#person').count()) === 0);

  const first = api.body.items[0];
  await page.goto(`${BASE}/#/persons`);
  await page.fill('#search input[name=q]', first.name);
  await page.click('#search button');
  await page.waitForSelector('main table tbody tr');
  await check('screening: a name search finds the person', async () => (await firstColumn(page)).includes(String(first.id)));
  await page.locator('main table tbody tr', { hasText: first.name }).first().click();
  await page.waitForSelector('main table#person');
  const shown = await page.locator('main table#person').innerText();
  await check('screening: the person page shows the ID number masked', () => /\*{6,}/.test(shown) && !shown.includes(first.id_number.replace(/\*/g, '')));
  await shot(page, 'person');

  await page.goto(`${BASE}/#/person/${TUMOUR_PERSON}`);
  await page.waitForSelector('#timeline li[data-kind=tumour]');
  const tl = await apiGet(page, `/api/persons/${TUMOUR_PERSON}/timeline`);
  await check('screening: the timeline shows the tumour with its site and stage', async () => {
    const text = await page.locator('#timeline li[data-kind=tumour]').innerText();
    const tumour = tl.body.events.find((e) => e.kind === 'tumour');
    return text.includes('2026-02-03') && text.includes('C34.1') && tumour && text.includes(tumour.stage || 'C34.1');
  });
  await check('screening: the timeline is in date order', async () => {
    const dates = (await page.locator('#timeline li b').allInnerTexts()).map((x) => x.slice(0, 10));
    return dates.length >= 2 && dates.every((d, i) => i === 0 || dates[i - 1] <= d);
  });
  await shot(page, 'timeline');

  await page.goto(`${BASE}/#/register`);
  await page.fill('#register input[name=name]', '王小明');
  await page.fill('#register input[name=id_number]', '110105194912310021');
  await page.click('#register button[type=submit]');
  await page.waitForSelector('#register .field-error[data-field=id_number]:not(:empty)');
  await check('screening: a wrong ID number is shown beside its field',
    async () => (await page.locator('#register input[name=id_number]').getAttribute('class')).includes('bad'));
  await shot(page, 'register-error');
  await page.fill('#register input[name=id_number]', '11010519491231002X');
  await page.selectOption('#register select[name=sex]', '2');
  await page.click('#register button[type=submit]');
  await page.waitForSelector('main .msg.ok');
  const found = await apiGet(page, '/api/persons?q=11010519491231002X');
  await check('screening: the registered person is stored for the centre',
    () => found.body.total === 1 && found.body.items[0].name === '王小明' && found.body.items[0].institution_id === 10);

  // CSV upload: a refused row stops the whole file, then is skipped on request.
  const good1 = residentId('44010319800101123'), good2 = residentId('44010319810202124');
  const csvPath = join(profile, 'upload.csv');
  writeFileSync(csvPath, `姓名,身份证号码,性别,出生日期\n张三,${good1},1,1980-01-01\n李四,44010319810202124Z,2,1981-02-02\n王五,${good2},2,1981-02-02\n`);
  await page.goto(`${BASE}/#/import`);
  await page.setInputFiles('#import input[name=file]', csvPath);
  await page.click('#import button[type=submit]');
  await page.waitForSelector('#problems tbody tr');
  await check('screening: the refused row is reported with its row and field', async () => {
    const cells = await page.locator('#problems tbody tr').first().locator('td').allInnerTexts();
    return cells[0] === '2' && cells[2] === 'id_number';
  });
  await check('screening: nothing is stored from a file with a refused row',
    async () => (await apiGet(page, `/api/persons?q=${good1}`)).body.total === 0);
  await check('screening: the report names no temporary file', async () => !(await page.locator('main').innerText()).includes('/tmp/'));
  await check('screening: the progress bar is full', async () => (await page.locator('#progress').getAttribute('value')) === '100');
  await shot(page, 'import-refused');
  await page.check('#import input[name=skip_bad_rows]');
  await page.click('#import button[type=submit]');
  await page.waitForSelector('#import-status .msg.ok');
  const a = await apiGet(page, `/api/persons?q=${good1}`), b = await apiGet(page, `/api/persons?q=${good2}`);
  await check('screening: skipping the refused row imports the others for the centre',
    () => a.body.total === 1 && b.body.total === 1 && a.body.items[0].institution_id === 10);
  await check('screening: the import page is in Chinese', () => chinese(page));

  // The centre's own screening figures only.
  const own = await apiGet(page, '/api/stats/screening?by=institution');
  await check('screening: screening statistics cover the centre alone',
    () => own.status === 200 && own.body.items.every((r) => r.institution_id === 10));
  await page.close();
}

async function clinician(context) {
  const page = await loginAs(context, 'h1.clinician');
  await page.waitForSelector('main .pager');
  await check('clinician: the home page is in Chinese', () => chinese(page));
  const api = await apiGet(page, '/api/persons?limit=1000');
  await check('clinician: the home lists only persons the hospital may see', async () => {
    const visible = new Set(api.body.items.map((p) => String(p.id)));
    return (await firstColumn(page)).every((id) => visible.has(id)) && !visible.has(String(OTHER_PERSON));
  });
  const other = await apiGet(page, `/api/persons/${OTHER_PERSON}`);
  await check("clinician: another institution's person is not found through the API", () => other.status === 404);
  await page.goto(`${BASE}/#/person/${OTHER_PERSON}`);
  await page.waitForSelector('main .msg.err');
  await check("clinician: another institution's person is not shown", async () => (await page.locator('main table#person').count()) === 0);
  await shot(page, 'home-clinician');

  // Exam results: the category as you type, checked against ACR Lung-RADS v2022
  // (a baseline solid nodule of 8 to <15 mm is category 4A; 6 to <8 mm is 3).
  await page.goto(`${BASE}/#/exam?scheme=lung-rads-2022`);
  await page.waitForSelector('#exam select[name=finding]');
  await page.selectOption('#exam select[name=finding]', 'solid');
  await page.selectOption('#exam select[name=status]', 'baseline');
  await page.fill('#exam input[name=size_mm]', '10');
  await page.waitForSelector('#category b:has-text("4A")');
  await check('clinician: a 10 mm baseline solid nodule shows Lung-RADS 4A as typed', () => true);
  await page.fill('#exam input[name=size_mm]', '7');
  await page.waitForSelector('#category b:has-text("3")');
  await check('clinician: changing the size to 7 mm shows category 3', async () => (await page.locator('#category b').innerText()).endsWith('3'));
  await page.fill('#exam input[name=size_mm]', '400');
  await page.waitForSelector('#exam .field-error[data-field=size_mm]:not(:empty)');
  await check('clinician: a size out of range is named beside its field',
    async () => (await page.locator('#exam input[name=size_mm]').getAttribute('class')).includes('bad'));
  await check('clinician: the exam form is in Chinese', () => chinese(page));
  await shot(page, 'exam');
  await page.close();
}

async function followup(context) {
  const page = await loginAs(context, 'c01.followup');
  await page.waitForSelector('main table tbody tr');
  await shot(page, 'home-followup');
  await check('followup: the home page is in Chinese', () => chinese(page));
  const api = await apiGet(page, '/api/followup/worklist?limit=100');
  await check('followup: the worklist shows the visits due', async () =>
    api.body.total > 0 && (await page.locator('main table tbody tr').count()) === Math.min(api.body.total, 20));
  await check('followup: only visits of the centre', () => api.body.items.every((v) => v.institution_id === 10));
  await page.close();
}

async function registry(context) {
  const page = await loginAs(context, 'ccc.registry');
  await page.waitForSelector('main .kpi b');
  await check('registry: the home page is in Chinese', () => chinese(page));
  await page.goto(`${BASE}/#/dashboard`);
  await page.waitForSelector('#districts canvas');
  await page.waitForSelector('#registers canvas');
  await page.waitForTimeout(300);
  await shot(page, 'dashboard');
  await check('registry: the dashboard is in Chinese', () => chinese(page));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-chart=districts]')]);
  const csv = readFileSync(await download.path(), 'utf8');
  const summary = await apiGet(page, '/api/stats/summary');
  await check('registry: the district chart downloads as CSV with the API figures', () => {
    const lines = csv.replace(/^\ufeff/, '').trim().split(/\r\n/);
    const total = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[1]), 0);
    return lines[0] === '区县,人数' && total === summary.body.persons;
  });
  await page.waitForSelector('#funnel canvas');
  const [fdl] = await Promise.all([page.waitForEvent('download'), page.click('button[data-chart=funnel]')]);
  const funnel = readFileSync(await fdl.path(), 'utf8').replace(/^\ufeff/, '').trim().split(/\r\n/);
  const sp = await apiGet(page, '/api/stats/screening?by=programme');
  await check('registry: the screening funnel downloads as CSV with the API counts', () => {
    const invited = sp.body.items.reduce((s, r) => s + r.invited, 0);
    return funnel[0] === '环节,人数' && funnel[1] === `邀请,${invited}` && invited > 0;
  });
  const si = await apiGet(page, '/api/stats/screening?by=institution');
  await check('registry: the early-diagnosis rate is charted by programme and institution',
    async () => (await page.locator('#early-programme canvas').count()) === 1 && (await page.locator('#early-institution canvas').count()) === 1 && si.body.items.length > 0);
  await page.click('#lang');
  await page.waitForSelector('#nav a:has-text("Dashboard")');
  await check('the language switch turns the UI into English', async () => (await page.locator('main h1').innerText()) === 'Dashboard');
  await page.click('#lang');
  await page.waitForSelector('#nav a:has-text("统计看板")');
  await page.close();
}

async function admin(context) {
  const page = await loginAs(context, 'ccc.admin');
  await page.waitForSelector('main table tbody tr');
  await shot(page, 'home-admin');
  await check('admin: the home page is in Chinese', () => chinese(page));
  const api = await apiGet(page, '/api/institutions?limit=1000');
  await check('admin: the institutions listed are those of the API',
    async () => (await page.locator('main .pager .info').first().innerText()).includes(String(api.body.total)));
  await page.close();
}

async function auditor(context) {
  const page = await loginAs(context, 'ccc.auditor');
  await page.waitForSelector('main table tbody tr');
  await shot(page, 'home-auditor');
  await check('auditor: the home page is in Chinese', () => chinese(page));
  await check('auditor: the audit log shows the logins', async () => (await page.locator('main table').innerText()).includes('login'));
  await page.close();
}

await runFlows([screening, clinician, followup, registry, admin, auditor]);
