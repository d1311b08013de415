// app.js: start-up and the hash router of the web UI.  Who is logged in
// comes from GET /api/me; the navigation shows the pages the role may use.
import { api, logout } from './api.js';
import { loadCatalogue, t, toggleLang, translate } from './i18n.js';
import { h, setToday } from './ui.js';
import { loginPage } from './pages/login.js';
import { homePage } from './pages/home.js';
import { personsPage } from './pages/persons.js';
import { personPage } from './pages/person.js';
import { registerPage } from './pages/register.js';
import { examPage } from './pages/exam.js';
import { importPage } from './pages/import.js';
import { dashboardPage } from './pages/dashboard.js';
import { worklistPage } from './pages/worklist.js';
import { institutionsPage } from './pages/institutions.js';
import { auditPage } from './pages/audit.js';
import { questionnairePage } from './pages/questionnaire.js';
import { tumourPage } from './pages/tumour.js';
import { referralsPage } from './pages/referrals.js';
import { bookingPage } from './pages/booking.js';
import { statsPage } from './pages/stats.js';
import { duplicatesPage } from './pages/duplicates.js';
import { exportPage } from './pages/export.js';

const view = document.getElementById('view');
let me = null;

// The navigation of each role: [route, message key].
const navOf = {
  screening: [['#/home', 'nav.home'], ['#/persons', 'nav.persons'], ['#/register', 'nav.register'], ['#/questionnaire', 'nav.questionnaire'],
    ['#/exam', 'nav.exam'], ['#/referrals', 'nav.referrals'], ['#/booking', 'nav.booking'], ['#/import', 'nav.import'], ['#/export', 'nav.export'], ['#/dashboard', 'nav.dashboard'], ['#/stats', 'nav.stats']],
  clinician: [['#/home', 'nav.home'], ['#/persons', 'nav.persons'], ['#/exam', 'nav.exam'], ['#/tumour', 'nav.tumour'], ['#/referrals', 'nav.referrals'],
    ['#/booking', 'nav.booking'], ['#/register', 'nav.register'], ['#/export', 'nav.export'], ['#/stats', 'nav.stats']],
  followup: [['#/home', 'nav.home'], ['#/worklist', 'nav.worklist'], ['#/persons', 'nav.persons'], ['#/export', 'nav.export'], ['#/stats', 'nav.stats']],
  registry: [['#/home', 'nav.home'], ['#/dashboard', 'nav.dashboard'], ['#/stats', 'nav.stats'], ['#/persons', 'nav.persons'], ['#/tumour', 'nav.tumour'],
    ['#/register', 'nav.register'], ['#/import', 'nav.import'], ['#/export', 'nav.export']],
  institution_admin: [['#/home', 'nav.home'], ['#/institutions', 'nav.institutions'], ['#/persons', 'nav.persons'], ['#/export', 'nav.export'], ['#/dashboard', 'nav.dashboard']],
  system_admin: [['#/home', 'nav.home'], ['#/institutions', 'nav.institutions'], ['#/dashboard', 'nav.dashboard'], ['#/stats', 'nav.stats']],
  auditor: [['#/home', 'nav.home'], ['#/audit', 'nav.audit'], ['#/institutions', 'nav.institutions']],
};

// Pages shown besides the role's to users /api/me says may do their work.
const navIf = [['may_merge', '#/duplicates', 'nav.duplicates']];

// The parameters after ? of a matched route.
const query = (m) => new URLSearchParams((m[1] || '').slice(1));

const routes = [
  [/^#\/home$/, () => homePage(view, me)],
  [/^#\/persons(\?.*)?$/, (m) => personsPage(view, query(m))],
  [/^#\/person\/(\d+)$/, (m) => personPage(view, m[1], me)],
  [/^#\/register$/, () => registerPage(view)],
  [/^#\/exam(\?.*)?$/, (m) => examPage(view, query(m))],
  [/^#\/import$/, () => importPage(view, me)],
  [/^#\/dashboard$/, () => dashboardPage(view)],
  [/^#\/worklist$/, () => worklistPage(view)],
  [/^#\/institutions$/, () => institutionsPage(view)],
  [/^#\/audit$/, () => auditPage(view)],
  [/^#\/questionnaire(\?.*)?$/, (m) => questionnairePage(view, query(m))],
  [/^#\/tumour(\?.*)?$/, (m) => tumourPage(view, query(m))],
  [/^#\/referrals(\?.*)?$/, (m) => referralsPage(view, query(m))],
  [/^#\/booking(\?.*)?$/, (m) => bookingPage(view, query(m))],
  [/^#\/stats(\?.*)?$/, (m) => statsPage(view, me, query(m))],
  [/^#\/duplicates$/, () => duplicatesPage(view)],
  [/^#\/export$/, () => exportPage(view, me)],
];

function renderChrome() {
  translate();
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!me) {
    nav.replaceChildren();
    who.replaceChildren();
    return;
  }
  const pages = [...(navOf[me.user.role] || []), ...navIf.filter(([flag]) => me[flag]).map(([, href, key]) => [href, key])];
  nav.replaceChildren(...pages.map(([href, key]) =>
    h('a', { href, class: location.hash === href || location.hash.startsWith(`${href}?`) ? 'on' : '' }, t(key))));
  who.replaceChildren(`${me.user.username} · ${t(`role.${me.user.role}`)} `,
    h('button', { type: 'button', id: 'logout', onclick: async () => { await logout(); me = null; location.hash = '#/login'; } }, t('nav.logout')));
}

async function route() {
  if (me) setToday(me.today);
  if (!me) {
    renderChrome();
    loginPage(view, async () => { me = await api('GET', '/api/me'); location.hash = '#/home'; route(); });
    return;
  }
  const hash = location.hash || '#/home';
  renderChrome();
  for (const [re, show] of routes) {
    const m = hash.match(re);
    if (m) return show(m);
  }
  location.hash = '#/home';
}

async function start() {
  await loadCatalogue();
  document.getElementById('lang').addEventListener('click', async () => { await toggleLang(); route(); });
  try { me = await api('GET', '/api/me'); } catch { me = null; }
  window.addEventListener('hashchange', route);
  route();
}

start();
