// bench/web.mjs: time from navigation to content on screen for the pages
// of the web UI (run by bench/web.sh, which sets BASE, ACCOUNTS, RUNS,
// PERSON and NAME).  Prints one line per page: median and slowest in ms.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { BASE, ACCOUNTS, RUNS, PERSON, NAME } = process.env;
const accounts = JSON.parse(readFileSync(ACCOUNTS, 'utf8'));
const runs = Number(RUNS);

// [role, page label, hash, selector of the content].
const pages = [
  ['screening', 'home: residents (paged)', '#/home', 'main .pager'],
  ['screening', 'person search by name', `#/persons?q=${encodeURIComponent(NAME)}`, 'main table tbody tr'],
  ['screening', 'person record and timeline', `#/person/${PERSON}`, '#timeline li'],
  ['clinician', 'home: persons (paged)', '#/home', 'main .pager'],
  ['followup', 'home: worklist', '#/home', 'main .pager'],
  ['screening', 'risk questionnaire form', '#/questionnaire?programme=lung', '#questionnaire input[name=pack_years]'],
  ['screening', 'statistics (own institution)', '#/stats', '#referral-perf canvas'],
  ['clinician', 'referral inbox (paged)', '#/referrals?box=incoming', 'main .pager'],
  ['clinician', 'tumour form', '#/tumour', '#tumour input[name=topography]'],
  ['clinician', 'booking form', '#/booking', '#slot-search select'],
  ['followup', 'worklist page', '#/worklist', 'main .pager'],
  ['registry', 'dashboard (6 charts)', '#/dashboard', '#registers canvas'],
  ['registry', 'registry statistics (6 charts)', '#/stats', '#referral-perf canvas'],
  ['system_admin', 'home: institutions', '#/home', 'main .pager'],
  ['auditor', 'home: audit log', '#/home', 'main .pager'],
];

const profile = mkdtempSync(join(tmpdir(), 'fangai-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  let role = null, page = null;
  for (const [r, label, hash, selector] of pages) {
    if (r !== role) {
      if (page) await page.close();
      await context.clearCookies();
      page = await context.newPage();
      await page.goto(`${BASE}/`);
      await page.fill('#login input[name=username]', accounts[r].user);
      await page.fill('#login input[name=password]', accounts[r].password);
      await page.click('#login button[type=submit]');
      await page.waitForSelector('#logout');
      role = r;
    }
    const times = [];
    for (let i = 0; i < runs; i++) {
      await page.goto('about:blank');
      const start = Date.now();
      await page.goto(`${BASE}/${hash}`);
      try { await page.waitForSelector(selector, { timeout: 30000 }); } catch (e) {
        console.log(`${label}: content did not appear: ${(await page.locator('body').innerText()).slice(0, 300)}`);
        throw e;
      }
      times.push(Date.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(32)} median ${String(times[Math.floor(times.length / 2)]).padStart(5)} ms   slowest ${String(times[times.length - 1]).padStart(5)} ms   (${r})`);
  }
  if (page) await page.close();
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
