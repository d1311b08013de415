// i18n.js: the message catalogues (web/i18n/*.json) and the current language.
// Chinese is the default; the choice is kept in localStorage.
const catalogues = {};
let lang = localStorage.getItem('fangai.lang') || 'zh';

// Load the catalogue of the current language (and remember it).
export async function loadCatalogue() {
  if (!catalogues[lang]) {
    const resp = await fetch(`/i18n/${lang}.json`);
    catalogues[lang] = await resp.json();
  }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export function currentLang() { return lang; }

// Switch between Chinese and English; the caller re-renders.
export async function toggleLang() {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('fangai.lang', lang);
  await loadCatalogue();
}

// The message for key with {name} placeholders filled from args; the key itself if missing.
export function t(key, args = {}) {
  const text = (catalogues[lang] && catalogues[lang][key]) || key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (args[k] ?? ''));
}

// Fill every [data-i18n] element below root with its message.
export function translate(root = document) {
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.title = t('app.title');
}
