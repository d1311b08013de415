// tests/web/lib/browser.mjs: what the browser tests of tests/web/*.mjs
// share: TAP output, checks, logging in as an account of ACCOUNTS, API
// calls with the page's session, screenshots, and the run of a list of
// flows in one headless chromium (playwright-core, Debian's chromium).
// Environment (set by tests/cli/web.sh): BASE, ACCOUNTS, CHROMIUM, SHOTS.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const { BASE, CHROMIUM, SHOTS } = process.env;
const accounts = JSON.parse(readFileSync(process.env.ACCOUNTS, 'utf8'));
const CJK = /[\u4e00-\u9fff]/;
const UNTRANSLATED = /\b(app|nav|login|role|home|persons|col|sex|vital|page|person|form|dash|inst|err|reg|tl|prog|fun|exam|field|import|state|opt|ref|rkind|book|svc|fu|stats|rate|surv|q|why|status|check|behaviour|basis|tumour|dup|lvl|export)\.[a-z0-9_]+\b/;

// A resident ID number: 17 digits and the GB 11643-1999 check character.
export function residentId(base17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return base17 + '10X98765432'[sum % 11];
}

export function tap(ok, name, detail) {
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`);
  if (!ok && detail) console.log(`#   ${String(detail).split('\n').join('\n#   ')}`);
}

// Run one check; an exception is a failure with its message.
export async function check(name, fn) {
  try {
    const r = await fn();
    tap(r !== false, name, r === false ? 'condition false' : '');
  } catch (e) {
    tap(false, name, e.message);
  }
}

// Every text of the page is Chinese: some CJK, no message key left untranslated.
export async function chinese(page) {
  const text = await page.locator('body').innerText();
  if (!CJK.test(text)) throw new Error('no Chinese text');
  const m = text.match(UNTRANSLATED);
  if (m) throw new Error(`untranslated message key ${m[0]}`);
  return true;
}

// An API call with the page's session cookie.
export async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { headers: { Accept: 'application/json' } });
    return { status: r.status, body: await r.json() };
  }, path);
}

export async function loginAs(context, user) {
  await context.clearCookies();
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  await page.fill('#login input[name=username]', user);
  await page.fill('#login input[name=password]', accounts[user].password);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('main h1:has-text("您好")', { timeout: 10000 });
  return page;
}

export async function shot(page, name) { await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }); }

// The first column of the first server-paged table in main, once it has rows.
export async function firstColumn(page) {
  const table = page.locator('main .paged').first();
  await table.locator('table tbody tr').first().waitFor();
  return table.locator('table tbody tr td:first-child').allInnerTexts();
}

// A POST to the API with the page's session and CSRF token.
export async function apiPost(page, path, body) {
  return page.evaluate(async ([p, b]) => {
    const r = await fetch(p, { method: 'POST', body: JSON.stringify(b),
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('fangai.csrf') } });
    return { status: r.status, body: await r.json() };
  }, [path, body]);
}

/*
 * Run each flow(context, profileDir) in one persistent chromium context;
 * a flow that throws is one failed TAP line.
 */
export async function runFlows(flows) {
  const profile = mkdtempSync(join(tmpdir(), 'fangai-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      locale: 'zh-CN',
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    for (const flow of flows) {
      try { await flow(context, profile); } catch (e) { tap(false, `${flow.name}: the page flow completes`, e.message); }
    }
  } finally {
    if (context) await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
