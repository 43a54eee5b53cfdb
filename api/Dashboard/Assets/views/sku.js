// One SKU: its stock in every store the key reads, recent movements, 7-day sales and the demand forecast.
import { api, apiOrNull, ApiError } from '../api.js';
import { dateTime, money, quantity, t } from '../i18n.js';
import { card, field, h, message, scroll, table } from '../dom.js';
import { dailyChart } from '../chart.js';
import { canAnalyze, canProcure, canReadStock, url } from './common.js';

const DAY = 24 * 3600_000;

function picker(code) {
  const input = h('input', { id: 'sku-code', value: code ?? '', autocomplete: 'off', required: true });
  return h('form', {
    className: 'toolbar',
    onsubmit: (event) => {
      event.preventDefault();
      location.hash = `#/sku/${encodeURIComponent(input.value.trim())}`;
    },
  }, field(t('skuCode'), input), h('button', { type: 'submit' }, t('open')));
}

async function stockByStore(me, code, signal) {
  if (me.role === 'admin') {
    const chain = await api(`/api/v1/skus/${encodeURIComponent(code)}/stock`, { signal });
    const names = new Map(me.stores.map((s) => [s.storeId, s.name]));
    return chain.stores.map((s) => ({ ...s, name: names.get(s.storeId) ?? s.storeId }));
  }
  if (!canReadStock(me)) return [];
  return Promise.all(me.stores.map(async (store) => {
    const level = await api(`/api/v1/stores/${encodeURIComponent(store.storeId)}/stock/${encodeURIComponent(code)}`, { signal });
    return { ...level, name: store.name };
  }));
}

export async function render(main, { me, params, signal }) {
  const code = params[0];
  main.replaceChildren(h('h1', {}, code ? t('skuTitle', code) : t('navSku')), picker(code));
  if (!code) return;
  let sku;
  try {
    sku = await api(`/api/v1/skus/${encodeURIComponent(code)}`, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return main.append(message(t('unknownSku', code), 'alert'));
    throw error;
  }
  main.append(h('p', { className: 'muted' }, `${sku.name} · ${t('price')}: ${money(sku.price)} · ${sku.unit}`));

  const stores = await stockByStore(me, code, signal);
  const storeIds = stores.map((s) => s.storeId).filter((id) => me.stores.some((s) => s.storeId === id));
  const now = Date.now();
  const [movements, sales, forecasts, curves] = await Promise.all([
    canReadStock(me) ? Promise.all(storeIds.map((id) =>
      apiOrNull(url(`/api/v1/stores/${encodeURIComponent(id)}/stock/${encodeURIComponent(code)}/movements`, { limit: 10 }), { signal })
        .then((list) => (list ?? []).map((m) => ({ ...m, storeId: id }))))) : [],
    canAnalyze(me) ? Promise.all(storeIds.map((id) =>
      apiOrNull(url(`/api/v1/analytics/stores/${encodeURIComponent(id)}/top`, { from: new Date(now - 7 * DAY).toISOString(), to: new Date(now).toISOString(), limit: 1000 }), { signal })
        .then((top) => ({ storeId: id, line: (top ?? []).find((x) => x.sku === code) })))) : [],
    canProcure(me) ? Promise.all(storeIds.map((id) =>
      apiOrNull(url(`/api/v1/procurement/stores/${encodeURIComponent(id)}/suggestions`, { all: true }), { signal })
        .then((list) => ({ storeId: id, suggestion: (list ?? []).find((x) => x.sku === code) })))) : [],
    canAnalyze(me) ? Promise.all(storeIds.map((id) =>
      apiOrNull(url(`/api/v1/analytics/stores/${encodeURIComponent(id)}/skus/${encodeURIComponent(code)}/daily`, { days: 28, ahead: 7 }), { signal }))) : [],
  ]);
  const salesOf = new Map(sales.map((s) => [s.storeId, s.line]));
  const forecastOf = new Map(forecasts.map((f) => [f.storeId, f.suggestion]));
  const columns = [
    { title: t('store'), value: (s) => h('a', { href: `#/store/${encodeURIComponent(s.storeId)}` }, s.name) },
    { title: t('onHand'), num: true, value: (s) => quantity(s.onHand) },
    { title: t('reserved'), num: true, value: (s) => quantity(s.reserved) },
    { title: t('available'), num: true, value: (s) => quantity(s.available) },
    { title: t('incoming'), num: true, value: (s) => quantity(s.incoming) },
  ];
  if (canAnalyze(me)) columns.push({ title: t('sales7'), num: true, value: (s) => { const line = salesOf.get(s.storeId); return line ? `${quantity(line.units)} · ${money(line.revenue)}` : '—'; } });
  if (canProcure(me)) columns.push({ title: t('forecast'), num: true, value: (s) => { const f = forecastOf.get(s.storeId); return f ? quantity(f.dailyDemand) : '—'; } });
  main.append(card(t('chainStock'), stores.length ? scroll(t('chainStock'), table(t('chainStock'), columns, stores)) : message(t('noData')),
    canAnalyze(me) ? h('p', { className: 'note' }, t('salesNote')) : null));

  if (canAnalyze(me)) {
    // The stores' curves summed day by day.
    const sum = (key) => {
      const byDate = new Map();
      for (const curve of curves.filter(Boolean))
        for (const d of curve[key]) byDate.set(d.date, (byDate.get(d.date) ?? 0) + d.units);
      return [...byDate.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, units]) => ({ date, units }));
    };
    const days = sum('days');
    main.append(card(t('dailyTitle'), days.length ? dailyChart(days, sum('forecast'), window.innerWidth < 600) : message(t('noData'))));
  }

  const recent = movements.flat().sort((a, b) => Date.parse(b.recordedAt) - Date.parse(a.recordedAt)).slice(0, 20);
  main.append(card(t('movements'), recent.length ? scroll(t('movements'), table(t('movements'), [
    { title: t('when'), value: (m) => dateTime(m.occurredAt) },
    { title: t('store'), value: (m) => m.storeId },
    { title: t('type'), value: (m) => m.type },
    { title: t('quantity'), num: true, value: (m) => quantity(m.onHandDelta) },
    { title: t('after'), num: true, value: (m) => quantity(m.onHandAfter) },
    { title: t('document'), value: (m) => (m.document ? `${m.document.kind} ${m.document.id}` : '—') },
  ], recent)) : message(t('noData'))));
}
