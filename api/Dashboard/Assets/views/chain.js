// The chain today: revenue, receipts and average ticket by store against the same weekday a week
// ago, sales per hour, top SKUs, negative stock and registers that need attention.
import { api, apiOrNull } from '../api.js';
import { money, percent, quantity, t, time } from '../i18n.js';
import { card, h, message, scroll, table } from '../dom.js';
import { hourlyChart } from '../chart.js';
import { canAnalyze, canReadRegisters, canReadStock, localDays, readStoreRegisters, registerWarnings, url } from './common.js';

const HOUR = 3600_000;
const REFRESH_EVERY = 30_000;
const NARROW = '(max-width: 600px)';

function figures(buckets, day) {
  const bucket = buckets.find((b) => b.start.startsWith(day));
  return { revenue: bucket?.revenue ?? 0, receipts: bucket?.receipts ?? 0, averageTicket: bucket?.averageTicket ?? 0 };
}

function sum(rows, key) { return rows.reduce((total, row) => total + row[key], 0); }

function delta(now, before) {
  if (!before) return h('span', { className: 'delta muted' }, '—');
  const change = (now - before) / before;
  return h('span', { className: `delta ${change >= 0 ? 'up' : 'down'}` }, percent(change));
}

async function load(me, signal) {
  const now = new Date();
  const analyze = canAnalyze(me);
  const stores = me.stores;
  const hourRange = { bucket: 'hour', from: new Date(now - 24 * HOUR).toISOString(), to: new Date(now.getTime() + HOUR).toISOString() };
  const dayRange = { bucket: 'day', from: new Date(now - 9 * 24 * HOUR).toISOString(), to: new Date(now.getTime() + 24 * HOUR).toISOString() };
  const topRange = { from: new Date(now - 24 * HOUR).toISOString(), to: now.toISOString() };

  const perStore = analyze ? await Promise.all(stores.map(async (store) => {
    const { today, weekAgo } = localDays(store.timeZone, now);
    const sales = await api(url(`/api/v1/analytics/stores/${encodeURIComponent(store.storeId)}/sales`, dayRange), { signal });
    return { store, today: figures(sales.buckets, today), weekAgo: figures(sales.buckets, weekAgo) };
  })) : [];

  let hours = [];
  let top = [];
  if (me.role === 'admin') {
    [hours, top] = await Promise.all([
      api(url('/api/v1/analytics/chain/sales', hourRange), { signal }).then((r) => r.buckets),
      api(url('/api/v1/analytics/chain/top', { ...topRange, limit: 10 }), { signal }),
    ]);
  } else if (analyze) {
    const [sales, tops] = await Promise.all([
      Promise.all(stores.map((s) => api(url(`/api/v1/analytics/stores/${encodeURIComponent(s.storeId)}/sales`, hourRange), { signal }))),
      Promise.all(stores.map((s) => api(url(`/api/v1/analytics/stores/${encodeURIComponent(s.storeId)}/top`, { ...topRange, limit: 100 }), { signal }))),
    ]);
    hours = sales.flatMap((r) => r.buckets);
    const merged = new Map();
    for (const line of tops.flat()) {
      const seen = merged.get(line.sku) ?? { sku: line.sku, units: 0, revenue: 0 };
      merged.set(line.sku, { sku: line.sku, units: seen.units + line.units, revenue: seen.revenue + line.revenue });
    }
    top = [...merged.values()].sort((a, b) => b.revenue - a.revenue || a.sku.localeCompare(b.sku)).slice(0, 10);
  }

  const negatives = canReadStock(me) ? (await Promise.all(stores.map(async (store) => {
    const page = await apiOrNull(url(`/api/v1/stores/${encodeURIComponent(store.storeId)}/stock`, { negative: true, pageSize: 1 }), { signal });
    return { store, count: page?.total ?? 0 };
  }))).filter((n) => n.count > 0) : [];

  const registers = canReadRegisters(me) ? await readStoreRegisters(stores, signal) : [];
  return { now, analyze, perStore, hours, top, negatives, registers };
}

function storeLink(store) {
  return h('a', { href: `#/store/${encodeURIComponent(store.storeId)}` }, store.name || store.storeId);
}

function draw(me, data, reload) {
  const { perStore } = data;
  const today = perStore.map((p) => p.today);
  const weekAgo = perStore.map((p) => p.weekAgo);
  const revenue = sum(today, 'revenue');
  const receipts = sum(today, 'receipts');
  const before = { revenue: sum(weekAgo, 'revenue'), receipts: sum(weekAgo, 'receipts') };
  const ticket = receipts ? revenue / receipts : 0;
  const ticketBefore = before.receipts ? before.revenue / before.receipts : 0;

  const parts = [
    h('div', { className: 'toolbar' },
      h('h1', {}, t('chainTitle')),
      h('button', { type: 'button', className: 'secondary', onclick: reload }, t('refresh')),
      h('span', { className: 'muted', 'aria-live': 'polite' }, t('updatedAt', time(data.now)))),
    h('p', { className: 'muted' }, t('chainOf', me.stores.length)),
  ];
  if (data.analyze) {
    parts.push(
      h('dl', { className: 'kpis', 'aria-label': t('vsLastWeek') },
        h('div', { className: 'kpi' }, h('dt', {}, t('revenue')), h('dd', { 'data-kpi': 'revenue' }, money(revenue), delta(revenue, before.revenue))),
        h('div', { className: 'kpi' }, h('dt', {}, t('receipts')), h('dd', { 'data-kpi': 'receipts' }, quantity(receipts), delta(receipts, before.receipts))),
        h('div', { className: 'kpi' }, h('dt', {}, t('avgTicket')), h('dd', { 'data-kpi': 'averageTicket' }, money(ticket), delta(ticket, ticketBefore)))),
      card(t('byStore'), scroll(t('byStore'), table(`${t('today')} / ${t('lastWeek')}`, [
        { title: t('store'), value: (p) => storeLink(p.store) },
        { title: `${t('revenue')}, ${t('today').toLowerCase()}`, num: true, value: (p) => money(p.today.revenue) },
        { title: t('lastWeek'), num: true, value: (p) => money(p.weekAgo.revenue) },
        { title: t('change'), num: true, value: (p) => delta(p.today.revenue, p.weekAgo.revenue) },
        { title: t('receipts'), num: true, value: (p) => `${quantity(p.today.receipts)} / ${quantity(p.weekAgo.receipts)}` },
        { title: t('avgTicket'), num: true, value: (p) => `${money(p.today.averageTicket)} / ${money(p.weekAgo.averageTicket)}` },
      ], perStore))),
      h('div', { className: 'grid' },
        card(t('hourly'), hourlyChart(data.hours, data.now, matchMedia(NARROW).matches)),
        card(t('topSkus'), data.top.length ? scroll(t('topSkus'), table(t('topSkus'), [
          { title: t('sku'), value: (s) => h('a', { href: `#/sku/${encodeURIComponent(s.sku)}` }, s.sku) },
          { title: t('units'), num: true, value: (s) => quantity(s.units) },
          { title: t('revenue'), num: true, value: (s) => money(s.revenue) },
        ], data.top)) : message(t('noData')))));
  } else {
    parts.push(message(t('noAnalytics')));
  }
  parts.push(h('div', { className: 'grid' },
    card(t('negativeStores'), data.negatives.length
      ? h('ul', { className: 'plain' }, data.negatives.map((n) => h('li', {}, storeLink(n.store), ' — ', t('negativeCount', n.count))))
      : message(t('noNegative'))),
    card(t('attention'), attention(data.registers))));
  return parts;
}

function attention(registers) {
  const flagged = registers.map((r) => ({ r, warnings: registerWarnings(r) })).filter((x) => x.warnings.length);
  if (!flagged.length) return message(t('noAttention'));
  return h('ul', { className: 'plain' }, flagged.map(({ r, warnings }) =>
    h('li', {}, h('strong', {}, r.registerId), ' ', h('span', { className: 'muted' }, `(${r.storeId})`), ': ',
      warnings.map((w) => h('span', { className: 'badge warn' }, w)).flatMap((b, i) => (i ? [' ', b] : [b])))));
}

export async function render(main, { me, signal }) {
  const reload = async () => {
    const data = await load(me, signal);
    if (!signal.aborted) main.replaceChildren(...draw(me, data, () => reload().catch(() => {})));
  };
  await reload();
  const timer = setInterval(() => reload().catch(() => {}), REFRESH_EVERY);
  const narrow = matchMedia(NARROW);
  const redraw = () => reload().catch(() => {});
  narrow.addEventListener('change', redraw);
  signal.addEventListener('abort', () => { clearInterval(timer); narrow.removeEventListener('change', redraw); });
}
