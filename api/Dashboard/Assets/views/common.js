// What several views share: which stores a key reads, and the state of registers.
import { apiOrNull } from '../api.js';
import { dateTime, t } from '../i18n.js';

export const canAnalyze = (me) => me.role === 'admin' || me.role === 'manager';
export const canReadStock = (me) => me.role !== 'integration';
export const canProcure = (me) => me.role === 'admin' || me.role === 'manager';
export const canReadRegisters = (me) => me.role !== 'integration';
export const findStore = (me, storeId) => me.stores.find((s) => s.storeId === storeId) ?? null;

const q = (params) => new URLSearchParams(params).toString();
export const url = (path, params) => (params ? `${path}?${q(params)}` : path);

/** The calendar date (yyyy-mm-dd) it is now in a time zone, and the one a week before it. */
export function localDays(timeZone, now = new Date()) {
  let today;
  try {
    today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    today = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  }
  const [y, m, d] = today.split('-').map(Number);
  const weekAgo = new Date(Date.UTC(y, m - 1, d - 7)).toISOString().slice(0, 10);
  return { today, weekAgo };
}

/** The registers of these stores with their shift, OFD and gap state (one list per store). */
export async function readStoreRegisters(stores, signal) {
  const lists = await Promise.all(stores.map((s) => apiOrNull(`/api/v1/stores/${encodeURIComponent(s.storeId)}/registers`, { signal })));
  return lists.flatMap((list) => list ?? []).map((r) => ({ ...r, gaps: { missingCount: r.missingCount } }));
}

/** One register by its id (cashier and admin keys). */
export async function readRegister(id, signal) {
  const register = await apiOrNull(`/api/v1/registers/${encodeURIComponent(id)}`, { signal });
  if (register?.mode === 'device')
    register.gaps = await apiOrNull(`/api/v1/registers/${encodeURIComponent(register.registerId)}/gaps`, { signal });
  return register;
}

const HOUR = 3600_000;
/** Why a register needs attention (a shift near its 24-hour limit, an OFD backlog near the 30-day block, missing FDs), or []. */
export function registerWarnings(register, now = Date.now()) {
  const warnings = [];
  const shift = register.shift;
  if (shift?.expired) warnings.push(t('shiftExpired'));
  else if (shift?.isOpen && shift.openedAt && now - Date.parse(shift.openedAt) >= 20 * HOUR)
    warnings.push(t('shiftLong', Math.floor((now - Date.parse(shift.openedAt)) / HOUR)));
  const ofd = register.ofd;
  if (ofd?.blocked) warnings.push(t('ofdBlocked'));
  else if (ofd?.oldestUnconfirmedAt && now - Date.parse(ofd.oldestUnconfirmedAt) >= 25 * 24 * HOUR)
    warnings.push(t('ofdNear', dateTime(ofd.oldestUnconfirmedAt), Math.floor((now - Date.parse(ofd.oldestUnconfirmedAt)) / (24 * HOUR))));
  if (register.gaps?.missingCount > 0) warnings.push(t('gaps', register.gaps.missingCount));
  return warnings;
}
