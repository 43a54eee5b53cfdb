// One store: its stock table (search, sort, pages) kept live from the stock event stream, its
// registers, purchase suggestions with a draft purchase order, and open transfers.
import { api, apiOrNull, newId, readEvents } from '../api.js';
import { date, dateTime, day, quantity, t } from '../i18n.js';
import { card, field, h, message, scroll, table } from '../dom.js';
import { canProcure, canReadRegisters, findStore, readRegister, readStoreRegisters, registerWarnings, url } from './common.js';

const COLUMNS = [
  ['sku', 'sku', false], ['onHand', 'onHand', true], ['reserved', 'reserved', true],
  ['available', 'available', true], ['incoming', 'incoming', true], ['version', 'version', true],
];

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

function storePicker(me, storeId) {
  const select = h('select', { id: 'store-pick' },
    me.stores.map((s) => h('option', { value: s.storeId, selected: s.storeId === storeId }, `${s.name} (${s.storeId})`)));
  select.addEventListener('change', () => { location.hash = `#/store/${encodeURIComponent(select.value)}`; });
  return field(t('chooseStore'), select);
}

/** The stock table: all of the store's levels in memory, shown a page at a time. */
class StockTable {
  constructor(storeId) {
    this.storeId = storeId;
    this.levels = new Map();
    this.low = new Set();
    this.query = '';
    this.sort = { key: 'sku', dir: 1 };
    this.page = 1;
    this.pageSize = 25;
    this.body = h('tbody');
    this.head = h('tr');
    this.status = h('p', { className: 'muted', 'aria-live': 'polite', id: 'stock-pages' });
    this.prev = h('button', { type: 'button', className: 'secondary', onclick: () => this.go(this.page - 1) }, t('prev'));
    this.next = h('button', { type: 'button', className: 'secondary', onclick: () => this.go(this.page + 1) }, t('next'));
  }

  /** A level wins only if it is newer than the one held: the list and the stream may arrive in any order. */
  merge(level) {
    const held = this.levels.get(level.sku);
    if (held && held.version >= level.version) return false;
    this.levels.set(level.sku, level);
    return true;
  }

  rows() {
    const query = this.query.toLowerCase();
    const { key, dir } = this.sort;
    return [...this.levels.values()]
      .filter((l) => !query || l.sku.toLowerCase().includes(query))
      .sort((a, b) => (key === 'sku' ? 0 : (a[key] - b[key]) * dir) || a.sku.localeCompare(b.sku) * (key === 'sku' ? dir : 1));
  }

  element() {
    const search = h('input', { id: 'stock-search', type: 'search', autocomplete: 'off' });
    search.addEventListener('input', () => { this.query = search.value.trim(); this.page = 1; this.draw(); });
    const size = h('select', { id: 'stock-page-size' }, [10, 25, 50, 100].map((n) => h('option', { value: n, selected: n === this.pageSize }, n)));
    size.addEventListener('change', () => { this.pageSize = Number(size.value); this.page = 1; this.draw(); });
    this.drawHead();
    return [
      h('div', { className: 'toolbar' }, field(t('search'), search), field(t('pageSize'), size)),
      scroll(t('stock'), h('table', { id: 'stock-table' }, h('caption', {}, t('legend')), h('thead', {}, this.head), this.body)),
      h('div', { className: 'pager' }, this.prev, this.next, this.status),
    ];
  }

  drawHead() {
    this.head.replaceChildren(...COLUMNS.map(([key, label, num]) => {
      const sorted = this.sort.key === key;
      return h('th', { scope: 'col', className: num ? 'num' : undefined, 'aria-sort': sorted ? (this.sort.dir > 0 ? 'ascending' : 'descending') : 'none' },
        h('button', { type: 'button', onclick: () => this.sortBy(key) }, t(label), sorted ? (this.sort.dir > 0 ? ' ▲' : ' ▼') : ''));
    }));
  }

  sortBy(key) {
    this.sort = { key, dir: this.sort.key === key ? -this.sort.dir : (key === 'sku' ? 1 : -1) };
    this.drawHead();
    this.draw();
  }

  go(page) { this.page = page; this.draw(); }

  row(level) {
    const tr = h('tr', { 'data-sku': level.sku },
      h('td', { className: 'sku' }, h('a', { href: `#/sku/${encodeURIComponent(level.sku)}` }, level.sku)),
      ...COLUMNS.slice(1).map(([key]) => h('td', { className: `num ${key}` })));
    this.fill(tr, level);
    return tr;
  }

  fill(tr, level) {
    for (const [key] of COLUMNS.slice(1)) tr.querySelector(`td.${key}`).textContent = key === 'version' ? level.version : quantity(level[key]);
    tr.classList.toggle('neg', level.onHand < 0);
    tr.classList.toggle('low', level.onHand >= 0 && this.low.has(level.sku));
  }

  draw() {
    const rows = this.rows();
    const pages = Math.max(1, Math.ceil(rows.length / this.pageSize));
    this.page = Math.min(Math.max(1, this.page), pages);
    this.body.replaceChildren(...rows.slice((this.page - 1) * this.pageSize, this.page * this.pageSize).map((l) => this.row(l)));
    this.status.textContent = t('pageOf', this.page, pages, rows.length);
    this.prev.disabled = this.page <= 1;
    this.next.disabled = this.page >= pages;
  }

  /** A change from the stream: the row on screen is updated in place and flashes. */
  changed(level) {
    if (!this.merge(level)) return;
    let tr = [...this.body.children].find((r) => r.dataset.sku === level.sku);
    if (tr) this.fill(tr, level);
    else {
      this.draw();
      tr = [...this.body.children].find((r) => r.dataset.sku === level.sku);
    }
    if (!tr) return;
    tr.classList.remove('flash');
    void tr.offsetWidth; // restarts the animation when the same row changes again
    tr.classList.add('flash');
  }
}

async function loadStock(storeId, stock, signal) {
  const base = `/api/v1/stores/${encodeURIComponent(storeId)}/stock`;
  for (let page = 1; ; page++) {
    const result = await api(url(base, { page, pageSize: 1000 }), { signal });
    result.items.forEach((level) => stock.merge(level));
    if (page * result.pageSize >= result.total) break;
  }
  await loadLow(storeId, stock, signal);
}

async function loadLow(storeId, stock, signal) {
  const low = await apiOrNull(url(`/api/v1/stores/${encodeURIComponent(storeId)}/stock`, { belowReorderPoint: true, pageSize: 1000 }), { signal });
  stock.low = new Set((low?.items ?? []).map((l) => l.sku));
}

/** Keeps the table live: reconnects with backoff, and reloads what it may have missed while away. */
async function follow(storeId, stock, indicator, signal) {
  const path = `/api/v1/stores/${encodeURIComponent(storeId)}/stock/events`;
  let wait = 1000;
  let lowTimer = null;
  let connected = false;
  while (!signal.aborted) {
    try {
      await readEvents(path, {
        signal,
        onOpen: () => {
          indicator.dataset.live = 'on';
          indicator.textContent = t('liveOn');
          wait = 1000;
          if (connected) loadStock(storeId, stock, signal).then(() => stock.draw()).catch(() => {});
          connected = true;
        },
        onEvent: (type, data) => {
          if (type !== 'stock') return;
          stock.changed(JSON.parse(data));
          // Reorder points live in procurement: which rows are low is asked again shortly after changes.
          clearTimeout(lowTimer);
          lowTimer = setTimeout(() => loadLow(storeId, stock, signal).then(() => {
            for (const tr of stock.body.children) stock.fill(tr, stock.levels.get(tr.dataset.sku));
          }).catch(() => {}), 1500);
        },
      });
    } catch (error) {
      if (signal.aborted) return;
    }
    indicator.dataset.live = 'off';
    indicator.textContent = t('liveOff');
    await sleep(wait, signal);
    wait = Math.min(wait * 2, 15000);
  }
}

function registersCard(me, store, signal) {
  const box = h('div', {}, message(t('loading')));
  const section = card(t('registers'), box);
  if (!canReadRegisters(me)) {
    box.replaceChildren(message(t('registersManager')));
    return section;
  }
  const shown = new Map();
  const draw = () => {
    const list = [...shown.values()];
    box.replaceChildren(list.length ? scroll(t('registers'), table(t('registersNote'), [
      { title: t('register'), value: (r) => `${r.registerId} (${r.mode})` },
      { title: t('shift'), value: (r) => (r.shift.isOpen ? t('shiftOpen', r.shift.number, dateTime(r.shift.openedAt), r.shift.receiptCount) : t('shiftClosed')) },
      { title: t('ofd'), value: (r) => (r.ofd.unconfirmed ? t('ofdPending', r.ofd.unconfirmed) : t('ofdOk')) },
      { title: '⚠', value: (r) => registerWarnings(r).map((w) => h('span', { className: 'badge warn' }, w)) },
    ], list)) : message(t('registersNote')));
  };
  readStoreRegisters([store], signal).then((registers) => {
    registers.filter((r) => r.storeId === store.storeId).forEach((r) => shown.set(r.registerId, r));
    draw();
  }).catch((error) => box.replaceChildren(message(t('error', error.message), 'alert')));
  const input = h('input', { id: 'register-lookup', autocomplete: 'off' });
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', {
    className: 'toolbar',
    onsubmit: async (event) => {
      event.preventDefault();
      const register = await readRegister(input.value.trim(), signal);
      if (register && register.storeId === store.storeId) {
        shown.set(register.registerId, register);
        result.replaceChildren();
        draw();
      } else result.replaceChildren(message(t('noData'), 'alert'));
    },
  }, field(t('registerLookup'), input), h('button', { type: 'submit', className: 'secondary' }, t('show')));
  section.append(form, result);
  return section;
}

function procurementCard(store, signal) {
  const box = h('div', {}, message(t('loading')));
  const supplier = h('input', { id: 'po-supplier', value: t('defaultSupplier'), autocomplete: 'off' });
  const outcome = h('div', { 'aria-live': 'polite', id: 'po-result' });
  const button = h('button', { type: 'submit', id: 'make-draft' }, t('makeDraft'));
  const form = h('form', {
    className: 'toolbar',
    onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      try {
        const order = await api(`/api/v1/procurement/stores/${encodeURIComponent(store.storeId)}/purchase-orders`,
          { method: 'POST', body: { id: newId('po'), supplier: supplier.value.trim() || t('defaultSupplier') }, signal });
        outcome.replaceChildren(h('p', { className: 'ok', role: 'status' }, t('draftMade', order.id, order.lines.length)));
      } catch (error) {
        outcome.replaceChildren(message(t('error', error.message), 'alert'));
      } finally {
        button.disabled = false;
      }
    },
  }, field(t('supplier'), supplier), button);
  api(`/api/v1/procurement/stores/${encodeURIComponent(store.storeId)}/suggestions`, { signal }).then((suggestions) => {
    box.replaceChildren(suggestions.length ? scroll(t('procurement'), table(t('procurement'), [
      { title: t('sku'), value: (s) => h('a', { href: `#/sku/${encodeURIComponent(s.sku)}` }, s.sku) },
      { title: t('available'), num: true, value: (s) => quantity(s.available) },
      { title: t('incoming'), num: true, value: (s) => quantity(s.incoming) },
      { title: t('dailyDemand'), num: true, value: (s) => quantity(s.dailyDemand) },
      { title: t('reorderPoint'), num: true, value: (s) => quantity(s.reorderPoint) },
      { title: t('suggested'), num: true, value: (s) => quantity(s.suggestedQuantity) },
      { title: t('daysOfCover'), num: true, value: (s) => (s.daysOfCover == null ? '—' : quantity(s.daysOfCover)) },
      { title: t('stockout'), value: (s) => (s.stockoutDate ? day(s.stockoutDate) : '—') },
    ], suggestions)) : message(t('noSuggestions')));
  }).catch((error) => box.replaceChildren(message(t('error', error.message), 'alert')));
  return h('section', { className: 'card', id: 'procurement', 'aria-label': t('procurement') }, h('h2', {}, t('procurement')), box, form, outcome);
}

function transfersCard(store, signal) {
  const box = h('div', {}, message(t('loading')));
  api(url('/api/v1/transfers', { storeId: store.storeId, limit: 100 }), { signal }).then((transfers) => {
    const open = transfers.filter((x) => x.status === 'draft' || x.status === 'shipped');
    box.replaceChildren(open.length ? scroll(t('transfers'), table(t('transfers'), [
      { title: 'ID', value: (x) => x.id },
      { title: t('from'), value: (x) => x.fromStoreId },
      { title: t('to'), value: (x) => x.toStoreId },
      { title: t('status'), value: (x) => t(`statuses.${x.status}`) },
      { title: t('lines'), num: true, value: (x) => x.lines.length },
      { title: t('when'), value: (x) => date(x.createdAt) },
    ], open)) : message(t('noTransfers')));
  }).catch((error) => box.replaceChildren(message(t('error', error.message), 'alert')));
  return card(t('transfers'), box, h('p', { className: 'note' }, t('ordersUnlisted')));
}

export async function render(main, { me, params, signal }) {
  const storeId = params[0] ?? me.stores[0]?.storeId;
  if (!storeId) return main.replaceChildren(message(t('noStores'), 'alert'));
  const store = findStore(me, storeId);
  // A store outside the key's scope is never asked for: the page says so and shows nothing of it.
  if (!store) {
    return main.replaceChildren(h('h1', {}, t('navStore')), me.stores.length ? storePicker(me, null) : null,
      h('p', { className: 'alert', role: 'alert', id: 'no-access' }, t('noAccess', storeId)));
  }
  const stock = new StockTable(store.storeId);
  const indicator = h('p', { className: 'live', 'data-live': 'off', id: 'live', role: 'status' }, t('liveOff'));
  const stockSection = h('section', { className: 'card', 'aria-label': t('stock') }, h('h2', {}, t('stock')), indicator, ...stock.element());
  main.replaceChildren(
    h('div', { className: 'toolbar' }, h('h1', {}, t('storeTitle', store.name)), storePicker(me, store.storeId)),
    h('p', { className: 'muted' }, `${store.storeId} · ${store.address} · ${store.timeZone}`),
    stockSection,
    h('div', { className: 'grid' },
      registersCard(me, store, signal),
      canProcure(me) ? transfersCard(store, signal) : null),
    canProcure(me) ? procurementCard(store, signal) : null);
  follow(store.storeId, stock, indicator, signal);
  await loadStock(store.storeId, stock, signal);
  stock.draw();
  stockSection.dataset.ready = 'true';
}
