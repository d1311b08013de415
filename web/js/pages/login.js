// login.js: the login form; a cookie session and the CSRF token for writes.
import { login } from '../api.js';
import { t } from '../i18n.js';
import { h, message } from '../ui.js';

export function loginPage(view, onLogin) {
  const err = h('div');
  const user = h('input', { name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card login', id: 'login' },
    h('h1', {}, t('login.title')),
    h('label', {}, t('login.username'), user),
    h('label', {}, t('login.password'), pass),
    h('p', {}, h('button', { type: 'submit' }, t('login.submit'))), err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await login(user.value, pass.value);
      onLogin(r.user);
    } catch (e) {
      err.replaceChildren(message('err', t('login.failed', { message: e.message })));
    }
  });
  view.replaceChildren(form);
  user.focus();
}
