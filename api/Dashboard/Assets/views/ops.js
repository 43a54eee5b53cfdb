// For operators: where the server's own tools are. Admin keys only.
import { t } from '../i18n.js';
import { card, h, message } from '../dom.js';

export async function render(main, { me }) {
  if (me.role !== 'admin') return main.replaceChildren(h('h1', {}, t('opsTitle')), message(t('adminOnly'), 'alert'));
  const links = [['/metrics', t('metrics')], ['/scalar/', t('scalar')], ['/openapi/v1.json', t('openapi')]];
  main.replaceChildren(h('h1', {}, t('opsTitle')),
    card(t('opsTitle'), h('p', {}, t('opsLinks')),
      h('ul', {}, links.map(([href, text]) => h('li', {}, h('a', { href, target: '_blank', rel: 'noopener' }, text))))));
}
