// tables.js: the server-paged lists shared by several pages (persons,
// follow-up visits, institutions, audit log) and the hash navigation helper.
import { api, qs } from '../api.js';
import { t } from '../i18n.js';
import { pagedTable } from '../ui.js';

const personColumns = [
  { key: 'id', label: 'col.id' },
  { key: 'name', label: 'col.name' },
  { key: 'sex', label: 'col.sex', format: (r) => t(`sex.${r.sex}`) },
  { key: 'birth_date', label: 'col.birth_date' },
  { key: 'id_number', label: 'col.id_number' },
  { key: 'phone', label: 'col.phone' },
  { key: 'district', label: 'col.district' },
  { key: 'vital_status', label: 'col.vital_status', format: (r) => t(`vital.${r.vital_status}`) },
];

const visitColumns = [
  { key: 'person_name', label: 'col.name' },
  { key: 'phone', label: 'col.phone' },
  { key: 'plan', label: 'col.plan' },
  { key: 'seq', label: 'col.seq' },
  { key: 'due', label: 'col.due' },
  { key: 'days_overdue', label: 'col.days_overdue' },
  { key: 'attempts', label: 'col.attempts' },
];

const referralColumns = [
  { key: 'id', label: 'col.id' },
  { key: 'person_id', label: 'col.person' },
  { key: 'from_institution_id', label: 'ref.from' },
  { key: 'to_institution_id', label: 'ref.to_col' },
  { key: 'kind', label: 'col.kind', format: (r) => t(`rkind.${r.kind}`) },
  { key: 'state', label: 'col.state', format: (r) => t(`state.${r.state}`) },
  { key: 'requested_at', label: 'ref.requested_at' },
];

const institutionColumns = [
  { key: 'id', label: 'col.id' },
  { key: 'uscc', label: 'col.code' },
  { key: 'name', label: 'col.name' },
  { key: 'kind', label: 'col.kind', format: (r) => t(`inst.${r.kind}`) },
  { key: 'district', label: 'col.district' },
];

const auditColumns = [
  { key: 'at', label: 'col.at' },
  { key: 'user_id', label: 'col.user' },
  { key: 'institution_id', label: 'col.institution' },
  { key: 'action', label: 'col.action' },
  { key: 'resource', label: 'col.resource' },
  { key: 'result', label: 'col.result' },
  { key: 'client', label: 'col.client' },
];

export const go = (hash) => { location.hash = hash; };
export const personTable = (params) => pagedTable(personColumns,
  (limit, offset) => api('GET', `/api/persons${qs({ ...params, limit, offset })}`),
  { onRow: (r) => go(`#/person/${r.id}`) });
export const worklistTable = (onRow = (r) => go(`#/person/${r.person_id}`)) => pagedTable(visitColumns,
  (limit, offset) => api('GET', `/api/followup/worklist${qs({ limit, offset })}`), { onRow });
export const institutionTable = () => pagedTable(institutionColumns,
  (limit, offset) => api('GET', `/api/institutions${qs({ limit, offset })}`));
export const auditTable = () => pagedTable(auditColumns,
  (limit, offset) => api('GET', `/api/audit${qs({ limit, offset })}`));
// The referrals received (box incoming) or sent (outgoing), newest first; a row opens the referral.
export const referralTable = (box, onRow = (r) => go(`#/referrals?box=${box}&id=${r.id}`)) => pagedTable(referralColumns,
  (limit, offset) => api('GET', `/api/referrals${qs({ box, limit, offset })}`), { onRow });
