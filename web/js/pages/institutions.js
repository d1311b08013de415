// institutions.js: the institutions of the region.
import { t } from '../i18n.js';
import { card, h } from '../ui.js';
import { institutionTable } from './tables.js';

export function institutionsPage(view) { view.replaceChildren(h('h1', {}, t('nav.institutions')), card('home.institutions', institutionTable())); }
