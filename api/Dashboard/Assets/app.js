// The page's shell: sign-in, navigation by the address's #hash, the language switch.
import { api, ApiError, session } from './api.js';
import { currentLang, setLang, t } from './i18n.js';
import { h, message } from './dom.js';
import * as chain from './views/chain.js';
import * as store from './views/store.js';
import * as sku from './views/sku.js';
import * as receipt from './views/receipt.js';
import * as ops from './views/ops.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');
const language = document.getElementById('lang');
let me = null;
let current = null;

const routes = { chain, store, sku, receipt, ops };

function parseHash() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/').map((p) => decodeURIComponent(p));
  return { name: routes[name] ? name : 'chain', params: rest.filter(Boolean) };
}

function applyLanguage() {
  setLang(language.value);
  document.querySelector('.skip').textContent = t('skip');
  document.getElementById('lang-label').textContent = t('language');
  nav.setAttribute('aria-label', t('sections'));
  signOut.textContent = t('signOut');
}

function renderNav(active) {
  const firstStore = me.stores[0]?.storeId;
  const links = [['chain', '#/chain', t('navChain')]];
  if (firstStore) links.push(['store', `#/store/${encodeURIComponent(firstStore)}`, t('navStore')]);
  links.push(['sku', '#/sku', t('navSku')]);
  if (me.role === 'admin' || me.role === 'cashier') links.push(['receipt', '#/receipt', t('navReceipt')]);
  if (me.role === 'admin') links.push(['ops', '#/ops', t('navOps')]);
  nav.replaceChildren(...links.map(([name, href, text]) =>
    h('a', { href, 'aria-current': name === active ? 'page' : undefined }, text)),
  h('span', { className: 'muted-light' }, t('role', t(`roles.${me.role}`))));
}

async function show() {
  current?.abort();
  current = new AbortController();
  if (!session.token) return showSignIn();
  if (!me) {
    main.replaceChildren(message(t('loading')));
    try {
      me = await api('/api/v1/me');
    } catch (error) {
      session.token = null;
      return showSignIn(error instanceof ApiError && error.status === 401 ? t('badToken') : t('error', error.message));
    }
  }
  signOut.hidden = false;
  const { name, params } = parseHash();
  renderNav(name);
  main.replaceChildren(message(t('loading')));
  try {
    await routes[name].render(main, { me, params, signal: current.signal });
  } catch (error) {
    if (error.name !== 'AbortError') main.replaceChildren(message(t('error', error.message), 'alert'));
  }
}

function showSignIn(problem) {
  me = null;
  signOut.hidden = true;
  nav.replaceChildren();
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const form = h('form', {
    onsubmit: (event) => {
      event.preventDefault();
      session.token = input.value.trim();
      show();
    },
  },
  h('label', { for: 'token' }, t('token')), input,
  h('button', { type: 'submit' }, t('signIn')),
  h('p', { className: 'note' }, t('signInHint')));
  main.replaceChildren(h('section', { className: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('signInTitle')), problem ? message(problem, 'alert') : null, form));
  input.focus();
}

language.value = currentLang();
applyLanguage();
language.addEventListener('change', () => { applyLanguage(); show(); });
signOut.addEventListener('click', () => {
  session.token = null;
  me = null;
  location.hash = '#/chain';
  show();
});
window.addEventListener('hashchange', () => { show(); main.focus({ preventScroll: true }); });
show();
