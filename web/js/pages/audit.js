// audit.js: the audit log, newest first.
import { t } from '../i18n.js';
import { card, h } from '../ui.js';
import { auditTable } from './tables.js';

export function auditPage(view) { view.replaceChildren(h('h1', {}, t('nav.audit')), card('home.audit', auditTable())); }
