// api.js: calls to the fangai JSON API with the session cookie and the CSRF token.
// Errors are thrown as ApiError carrying the server's {message, detail, hint, field}.
let csrf = sessionStorage.getItem('fangai.csrf') || '';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.field = e.field || null;
    this.detail = e.detail || null;
    this.hint = e.hint || null;
    this.body = body;
  }
}

// Call method path with an optional JSON body; resolves to the parsed reply (null for 204).
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const resp = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await resp.text();
  const data = text ? JSON.parse(text) : null;
  if (!resp.ok) throw new ApiError(resp.status, data);
  return data;
}

// POST body as JSON and resolve to the reply as a Blob (for files the server makes).
export async function apiBlob(path, body) {
  const resp = await fetch(path, {
    method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
  });
  if (!resp.ok) throw new ApiError(resp.status, await resp.json().catch(() => null));
  return resp.blob();
}

// GET a file the server makes; resolves to {name (from Content-Disposition), blob}.
export async function getFile(path) {
  const resp = await fetch(path, { credentials: 'same-origin' });
  if (!resp.ok) throw new ApiError(resp.status, await resp.json().catch(() => null));
  const m = (resp.headers.get('Content-Disposition') || '').match(/filename="([^"]+)"/);
  return { name: m ? m[1] : 'export', blob: await resp.blob() };
}

// Log in with a cookie session; keeps the CSRF token for later writes.
export async function login(username, password) {
  const r = await api('POST', '/api/login', { username, password, client: 'browser' });
  csrf = r.csrf_token;
  sessionStorage.setItem('fangai.csrf', csrf);
  return r;
}

export async function logout() {
  try { await api('POST', '/api/logout'); } finally {
    csrf = '';
    sessionStorage.removeItem('fangai.csrf');
  }
}

/*
 * Upload a file as the body of POST path, reporting upload progress as a
 * fraction to onProgress; resolves to {status, body} whatever the status.
 */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) onProgress(ev.loaded / ev.total); };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('network error'));
    xhr.send(file);
  });
}

// A query string from an object, leaving out empty values.
export function qs(params) {
  const u = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => { if (v !== undefined && v !== null && v !== '') u.set(k, v); });
  const s = u.toString();
  return s ? `?${s}` : '';
}
