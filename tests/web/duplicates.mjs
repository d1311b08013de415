// tests/web/duplicates.mjs: the duplicate review queue in Debian's chromium.
// The cancer centre's registrar opens 重复档案, sees each pair side by side
// with the differing fields marked, decides one pair "same person" and one
// "different persons" and sees each leave the queue (checked through the
// API); a person registered, or uploaded in a list, again is queued; then
// the registrar undoes the merge from the merged person's page.  A community
// centre's user has no such page and is refused the queue.  Prints TAP lines.
// Environment (set by tests/cli/web.sh): BASE, ACCOUNTS, CHROMIUM, SHOTS.
import { BASE, apiGet, check, chinese, loginAs, runFlows, shot } from './lib/browser.mjs';

// The review ids of the open queue, through the API.
async function queue(page) {
  const r = await apiGet(page, '/api/link/reviews?limit=1000');
  return r.body.items.map((x) => x.id);
}

// Decide the first pair shown with the button of action; returns its review id once it has left the page.
async function decideFirst(page, action) {
  const pair = page.locator('main section.dup').first();
  const id = Number(await pair.getAttribute('data-review'));
  await pair.locator(`button[data-action=${action}]`).click();
  await page.waitForSelector('#dup-done .msg.ok');
  await page.waitForSelector(`main section.dup[data-review="${id}"]`, { state: 'detached' });
  return id;
}

async function registrar(context) {
  const page = await loginAs(context, 'ccc.registry');
  await check('registry: the navigation offers 重复档案', async () => (await page.locator('#nav a:has-text("重复档案")').count()) === 1);
  await page.click('#nav a:has-text("重复档案")');
  await page.waitForSelector('main section.dup');
  await shot(page, 'duplicates');
  await check('registry: the duplicates page is in Chinese', () => chinese(page));
  const before = await queue(page);
  await check('registry: the page shows the open pairs, most probable first, as the API lists them', async () => {
    const shown = await page.locator('main section.dup').evaluateAll((els) => els.map((e) => Number(e.dataset.review)));
    return shown.length > 0 && shown.every((id, i) => id === before[i]);
  });
  await check('registry: each pair is side by side, the differing fields marked', async () => {
    const pair = page.locator('main section.dup').first();
    const cells = await pair.locator('tbody tr[data-field=id_number] td').allInnerTexts();
    const marked = await pair.locator('tbody tr.diff[data-field=id_number]').count();
    return cells.length === 3 && (cells[0] !== cells[1]) === (marked === 1);
  });
  await check('registry: the buttons say what they do', async () =>
    (await page.locator('main section.dup').first().innerText()).includes('同一人（合并）') &&
    (await page.locator('main section.dup').first().innerText()).includes('不同人'));

  const merged = await page.locator('main section.dup').first().evaluate((e) => e.querySelectorAll('thead a')[1].textContent.slice(1));
  const same = await decideFirst(page, 'same');
  await check('registry: the pair decided "same person" leaves the queue', async () => !(await queue(page)).includes(same));
  const person = await apiGet(page, `/api/persons/${merged}`);
  await check('registry: its second person is merged into the first', () => person.body.merged_into > 0);

  const distinct = await decideFirst(page, 'distinct');
  await check('registry: the pair decided "different persons" leaves the queue', async () => !(await queue(page)).includes(distinct));
  const left = (await apiGet(page, '/api/link/reviews?limit=1')).body.total;
  await check('registry: the total shown counts the pairs left', async () =>
    (await page.locator('#dup-total').innerText()).includes(`待审核 ${left} 对`) && left === before.length - 2);

  // A person registered again from the registration page: the check queues the pair.
  const again = (await apiGet(page, '/api/link/reviews?limit=1')).body.items[0].person_a;
  await page.goto(`${BASE}/#/register`);
  await page.fill('#register input[name=name]', again.name);
  await page.selectOption('#register select[name=sex]', again.sex);
  await page.fill('#register input[name=birth_date]', again.birth_date);
  await page.click('#register button[type=submit]');
  await page.waitForSelector('main .msg.ok');
  await check('registry: a registration of a registered person says it was queued for review',
    async () => (await page.locator('main .msg.ok').innerText()).includes('已交登记处核对'));
  await check('registry: and the queue holds the pair', async () =>
    (await apiGet(page, '/api/link/reviews?limit=1')).body.total > left);
  await shot(page, 'register-duplicate');

  // The same person in an uploaded list: the import checks the persons it adds too.
  const queued = (await apiGet(page, '/api/link/reviews?limit=1')).body.total;
  await page.goto(`${BASE}/#/import`);
  await page.setInputFiles('#import input[name=file]', { name: 'copy.csv', mimeType: 'text/csv',
    buffer: Buffer.from(`姓名,性别,出生日期\n${again.name},${again.sex},${again.birth_date}\n`) });
  await page.click('#import button[type=submit]');
  await page.waitForSelector('#import-status .msg.ok');
  await check('registry: an uploaded list with a registered person says it was queued for review',
    async () => (await page.locator('#import-status .msg.ok').innerText()).includes('已交登记处核对'));
  await check('registry: and the queue holds its pairs', async () =>
    (await apiGet(page, '/api/link/reviews?limit=1')).body.total > queued);
  await shot(page, 'import-duplicate');

  await page.goto(`${BASE}/#/person/${merged}`);
  await page.waitForSelector('#merged button[data-action=unmerge]');
  await shot(page, 'person-merged');
  await check('registry: the merged person offers 撤销合并', async () => (await page.locator('#merged').innerText()).includes('撤销合并'));
  await page.click('#merged button[data-action=unmerge]');
  await page.waitForSelector('#merged', { state: 'detached' });
  await check('registry: undoing the merge makes the person active again', async () =>
    (await apiGet(page, `/api/persons/${merged}`)).body.merged_into === null);
  await page.close();
}

async function community(context) {
  const page = await loginAs(context, 'c01.screening');
  await check('screening: a community centre has no duplicates page', async () => (await page.locator('#nav a:has-text("重复档案")').count()) === 0);
  await page.goto(`${BASE}/#/duplicates`);
  await page.waitForSelector('main .msg.err');
  await check('screening: the queue is refused', async () => (await apiGet(page, '/api/link/reviews')).status === 403);
  await page.close();
}

await runFlows([registrar, community]);
