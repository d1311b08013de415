// tests/web/files.mjs: files out and in, in Debian's chromium.  On the export page
// (数据导出) the cancer centre's registrar downloads persons as an Excel workbook, tumours as
// CSV, persons with their numbers shown whole, and the registry workbook of a year; a
// district that is no code prefix is refused beside its field.  A community centre's
// screening user exports only its own persons, masked, and is offered neither the registry
// workbook nor unmasking.  On the upload page (批量导入) the registrar picks what to import
// (the options each kind needs appear with it), uploads the population of a new year, and
// uploads a death record and links it, the person then dead; the community centre uploads
// persons only.  Prints TAP lines.
// Environment (set by tests/cli/web.sh): BASE, ACCOUNTS, CHROMIUM, SHOTS.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, apiGet, check, chinese, loginAs, runFlows, shot } from './lib/browser.mjs';

// Fill the export form with values {name: value} (selects chosen, inputs filled).
async function fill(page, values) {
  for (const [name, value] of Object.entries(values)) {
    const field = page.locator(`#export [name=${name}]`);
    if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
}

// Submit the form and take the file it downloads: {name, bytes}.
async function download(page) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#export button[type=submit]')]);
  await page.waitForSelector('#export ~ .form-status .msg.ok');
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

// The text of a GET with the page's session.
async function fetchText(page, path) {
  return page.evaluate(async (p) => (await fetch(p)).text(), path);
}

async function registrar(context) {
  const page = await loginAs(context, 'ccc.registry');
  await check('registry: the navigation offers 数据导出', async () => (await page.locator('#nav a:has-text("数据导出")').count()) === 1);
  await page.click('#nav a:has-text("数据导出")');
  await page.waitForSelector('#export');
  await shot(page, 'export');
  await check('registry: the export page is in Chinese', () => chinese(page));
  await check('registry: the registry workbook is offered', async () =>
    (await page.locator('#export select[name=list] option[value=ncc]').count()) === 1);

  await fill(page, { list: 'persons', format: 'xlsx' });
  const book = await download(page);
  await check('registry: persons download as persons.xlsx, an Excel workbook', () =>
    book.name === 'persons.xlsx' && book.bytes.subarray(0, 2).toString() === 'PK');
  await check('registry: the page says what was downloaded', async () =>
    (await page.locator('#export ~ .form-status .msg.ok').innerText()).includes('已下载 persons.xlsx'));

  await fill(page, { list: 'tumours', format: 'csv' });
  const tumours = await download(page);
  await check('registry: tumours download as tumours.csv, what the API gives', async () =>
    tumours.name === 'tumours.csv' && tumours.bytes.toString('utf8') === await fetchText(page, '/api/export/tumours'));

  await fill(page, { list: 'persons', format: 'csv', unmask: '1' });
  const rows = (await download(page)).bytes.toString('utf8').trim().split('\n').slice(1).map((r) => r.split(','));
  await check('registry: persons asked with their numbers whole have them whole', () =>
    rows.length > 1000 && rows.every((r) => !r[4].includes('*')) && rows.some((r) => /^\d{17}[\dX]$/.test(r[4])));

  await fill(page, { list: 'ncc', year: '2025', unmask: '' });
  const ncc = await download(page);
  await check('registry: the registry workbook of 2025 downloads as ncc-2025.xlsx', () =>
    ncc.name === 'ncc-2025.xlsx' && ncc.bytes.subarray(0, 2).toString() === 'PK');

  await fill(page, { list: 'persons', district: '44x' });
  await page.click('#export button[type=submit]');
  await page.waitForSelector('#export .field-error[data-field=district]:not(:empty)');
  await check('registry: a district that is no code prefix is refused beside its field', async () =>
    (await page.locator('#export .field-error[data-field=district]').innerText()).includes('区县代码'));
  await shot(page, 'export-refused');
  await page.close();
}

// The registrar uploads the population of one district for 2030, made from that of 2026.
async function registrarUploads(context, profile) {
  const page = await loginAs(context, 'ccc.registry');
  await page.goto(`${BASE}/#/import`);
  await page.waitForSelector('#import select[name=kind]');
  await check('registry: the upload page offers every kind of import', async () =>
    (await page.locator('#import select[name=kind] option').count()) === 9);
  await page.selectOption('#import select[name=kind]', 'exams');
  await check('registry: exams ask for their programme and exam type', async () =>
    await page.locator('#import [data-option=programme]').isVisible() && await page.locator('#import [data-option=exam_type]').isVisible());
  await page.selectOption('#import select[name=kind]', 'populations');
  await check('registry: populations ask for neither', async () => !(await page.locator('#import [data-option=programme]').isVisible()));
  const all = (await fetchText(page, '/api/export/populations')).trim().split('\n');
  const district = all[1].split(',')[0];
  const rows = all.slice(1).filter((r) => r.startsWith(`${district},2026,`)).map((r) => r.replace(',2026,', ',2030,'));
  const path = join(profile, 'pop2030.csv');
  writeFileSync(path, [all[0], ...rows].join('\n') + '\n');
  await page.setInputFiles('#import input[name=file]', path);
  await page.click('#import button[type=submit]');
  await page.waitForSelector('#import-status .msg.ok');
  await shot(page, 'import-populations');
  const stored = (await fetchText(page, `/api/export/populations?district=${district}`)).split('\n').filter((r) => r.includes(',2030,'));
  await check('registry: the population of 2030 is stored, every cell', () => rows.length === 38 && stored.length === 38);
  await check('registry: the upload page is in Chinese', () => chinese(page));

  // A death record of a living person, uploaded and then linked from the page.
  const living = (await fetchText(page, '/api/export/persons?unmask=1')).trim().split('\n').slice(1).map((r) => r.split(','))
    .find((r) => r[10] === 'alive' && r[4] !== '');
  const deaths = join(profile, 'deaths.csv');
  writeFileSync(deaths, `source_key,id_number,name,sex,birth_date,death_date,cause_icd10\nW1,${living[4]},${living[5]},${living[6]},${living[7]},2026-05-01,I21.9\n`);
  await page.selectOption('#import select[name=kind]', 'deaths');
  await page.setInputFiles('#import input[name=file]', deaths);
  await page.click('#import button[type=submit]');
  await page.waitForSelector('#import-status button[data-action=link-deaths]');
  await page.click('#import-status button[data-action=link-deaths]');
  await page.waitForSelector('#deaths-linked .msg.ok');
  await shot(page, 'import-deaths-linked');
  await check('registry: linking the deaths says one person was recorded dead', async () =>
    (await page.locator('#deaths-linked').innerText()).includes('1 人登记为死亡'));
  await check('registry: and the person is dead', async () => (await apiGet(page, `/api/persons/${living[0]}`)).body.vital_status === 'dead');
  await page.close();
}

async function community(context) {
  const page = await loginAs(context, 'c01.screening');
  await page.click('#nav a:has-text("数据导出")');
  await page.waitForSelector('#export');
  await check('screening: the page says it exports the institution\'s own records', async () =>
    (await page.locator('#export-scope').innerText()).includes('本机构'));
  await check('screening: no registry workbook, no unmasking', async () =>
    (await page.locator('#export select[name=list] option[value=ncc]').count()) === 0 &&
    (await page.locator('#export [name=unmask]').count()) === 0);
  await fill(page, { list: 'persons', format: 'csv' });
  const persons = await download(page);
  const rows = persons.bytes.toString('utf8').trim().split('\n').slice(1).map((r) => r.split(','));
  await check('screening: only the persons of its own institution', () =>
    rows.length > 0 && rows.every((r) => r[2] === '10'));
  await check('screening: their ID numbers masked', () => rows.every((r) => r[4] === '' || r[4].includes('*')));
  await page.goto(`${BASE}/#/import`);
  await page.waitForSelector('#import input[name=file]');
  await check('screening: the upload page imports persons only', async () => (await page.locator('#import select[name=kind]').count()) === 0);
  await page.close();
}

await runFlows([registrar, registrarUploads, community]);
