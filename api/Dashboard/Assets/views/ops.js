// For operators: where the server's own tools are. Admin keys only.
import { api, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { card, h, message } from '../dom.js';

/** The Orleans dashboard opens with a cookie for /orleans that only an admin key gets; 404 when it is not mounted. */
async function orleansDashboard(signal) {
  try {
    await api('/api/v1/dashboard/orleans-session', { method: 'POST', signal });
    return h('p', {}, h('a', { href: '/orleans/', target: '_blank', rel: 'noopener', id: 'orleans-link' }, t('orleansDashboard')),
      ' ', h('span', { className: 'muted' }, t('orleansTicket')));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return message(t('orleansOff'));
    throw error;
  }
}

export async function render(main, { me, signal }) {
  if (me.role !== 'admin') return main.replaceChildren(h('h1', {}, t('opsTitle')), message(t('adminOnly'), 'alert'));
  const links = [['/metrics', t('metrics')], ['/scalar/', t('scalar')], ['/openapi/v1.json', t('openapi')]];
  main.replaceChildren(h('h1', {}, t('opsTitle')),
    card(t('opsTitle'), h('p', {}, t('opsLinks')),
      h('ul', {}, links.map(([href, text]) => h('li', {}, h('a', { href, target: '_blank', rel: 'noopener' }, text)))),
      await orleansDashboard(signal)));
}
