import { day, money, quantity, time, t } from './i18n.js';
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const svg = (tag, attributes = {}, ...children) => {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
};

/**
 * Revenue per hour as bars over the 24 hours ending with the current one; hours without sales are
 * zero bars. buckets: [{start, revenue, receipts}] with start at the top of an hour.
 */
export function hourlyChart(buckets, now = new Date(), narrow = false) {
  const hour = 3600_000;
  const last = Math.floor(now.getTime() / hour) * hour;
  const byHour = new Map();
  for (const bucket of buckets) {
    const start = Math.floor(new Date(bucket.start).getTime() / hour) * hour;
    const seen = byHour.get(start) ?? { revenue: 0, receipts: 0 };
    byHour.set(start, { revenue: seen.revenue + bucket.revenue, receipts: seen.receipts + bucket.receipts });
  }
  const hours = Array.from({ length: 24 }, (_, i) => last - (23 - i) * hour)
    .map((start) => ({ start, ...(byHour.get(start) ?? { revenue: 0, receipts: 0 }) }));
  const total = hours.reduce((sum, b) => sum + b.revenue, 0);
  const max = Math.max(...hours.map((b) => b.revenue), 1);
  // A phone gets a narrower drawing, so that its text stays legible when scaled to the screen.
  const [width, height, left, bottom, top] = narrow ? [420, 240, 104, 30, 14] : [720, 260, 104, 30, 14];
  const step = (width - left - 24) / hours.length;
  const plot = height - bottom - top;

  const bars = hours.map((b, i) => {
    const barHeight = Math.max((b.revenue / max) * plot, b.revenue > 0 ? 2 : 0);
    return svg('rect', {
      class: 'bar', x: (left + i * step + 2).toFixed(1), y: (top + plot - barHeight).toFixed(1),
      width: (step - 4).toFixed(1), height: barHeight.toFixed(1),
      'data-start': new Date(b.start).toISOString(), 'data-revenue': b.revenue, 'data-receipts': b.receipts,
    }, svg('title', {}, `${time(b.start)}: ${money(b.revenue)}, ${t('receipts').toLowerCase()} ${b.receipts}`));
  });
  const labels = hours.filter((_, i) => i % (narrow ? 6 : 4) === (narrow ? 5 : 3)).map((b) => {
    const i = hours.indexOf(b);
    return svg('text', { x: (left + i * step + step / 2).toFixed(1), y: height - 8, 'text-anchor': 'middle' }, time(b.start));
  });
  const chart = svg('svg', {
    class: 'chart hourly', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': t('hourlyLabel', money(total)), 'data-total': total, 'data-width': width,
  },
  svg('line', { class: 'axis', x1: left, y1: top + plot, x2: width - 8, y2: top + plot }),
  svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: top + plot }),
  svg('text', { x: left - 6, y: top + 14, 'text-anchor': 'end' }, money(max === 1 && total === 0 ? 0 : max)),
  svg('text', { x: left - 6, y: top + plot, 'text-anchor': 'end' }, money(0)),
  ...bars, ...labels);
  return h('figure', { className: 'figure' }, chart);
}

/**
 * Units per local day as bars, then the forecast days as outlined bars after them.
 * days and forecast: [{date: 'yyyy-mm-dd', units}], in order.
 */
export function dailyChart(days, forecast, narrow = false) {
  const all = [...days.map((d) => ({ ...d, kind: 'sold' })), ...forecast.map((d) => ({ ...d, kind: 'forecast' }))];
  const max = Math.max(...all.map((d) => d.units), 1);
  const [width, height, left, bottom, top] = narrow ? [420, 240, 56, 30, 14] : [720, 260, 56, 30, 14];
  const step = (width - left - 16) / Math.max(all.length, 1);
  const plot = height - bottom - top;
  const bars = all.map((d, i) => {
    const barHeight = Math.max((d.units / max) * plot, d.units > 0 ? 2 : 0);
    return svg('rect', {
      class: d.kind === 'sold' ? 'bar' : 'bar forecast', x: (left + i * step + 1).toFixed(1), y: (top + plot - barHeight).toFixed(1),
      width: Math.max(step - 2, 1).toFixed(1), height: barHeight.toFixed(1), 'data-date': d.date, 'data-units': d.units,
    }, svg('title', {}, `${day(d.date)}: ${t(d.kind === 'sold' ? 'soldDay' : 'forecastDay')} ${quantity(d.units)}`));
  });
  const every = Math.max(1, Math.ceil(all.length / (narrow ? 4 : 7)));
  const labels = all.filter((_, i) => i % every === 0).map((d) => {
    const i = all.indexOf(d);
    return svg('text', { x: (left + i * step + step / 2).toFixed(1), y: height - 8, 'text-anchor': 'middle' }, day(d.date).slice(0, 5));
  });
  const sold = days.reduce((sum, d) => sum + d.units, 0);
  const coming = forecast.reduce((sum, d) => sum + d.units, 0);
  const chart = svg('svg', {
    class: 'chart daily', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': t('dailyLabel', days.length, quantity(sold), forecast.length, quantity(coming)), 'data-sold': sold,
  },
  svg('line', { class: 'axis', x1: left, y1: top + plot, x2: width - 8, y2: top + plot }),
  svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: top + plot }),
  svg('text', { x: left - 6, y: top + 14, 'text-anchor': 'end' }, quantity(max === 1 && sold + coming === 0 ? 0 : max)),
  svg('text', { x: left - 6, y: top + plot, 'text-anchor': 'end' }, quantity(0)),
  ...bars, ...labels);
  return h('figure', { className: 'figure' }, chart);
}
