// worklist.js: the follow-up visits due.
import { t } from '../i18n.js';
import { card, h } from '../ui.js';
import { worklistTable } from './tables.js';

export function worklistPage(view) { view.replaceChildren(h('h1', {}, t('nav.worklist')), card('home.worklist', worklistTable())); }
