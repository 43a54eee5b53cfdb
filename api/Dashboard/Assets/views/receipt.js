// A fiscal receipt as the buyer sees it, with its QR code drawn by the server.
import { apiOrNull, imageUrl } from '../api.js';
import { dateTime, money, quantity, t } from '../i18n.js';
import { field, h, message } from '../dom.js';

const VAT_NAMES = { vat22: '22%', vat10: '10%', vat0: '0%', none: '—', vat5: '5%', vat7: '7%', vat20: '20%' };

function picker(registerId, receiptId) {
  const register = h('input', { id: 'receipt-register', value: registerId ?? '', autocomplete: 'off', required: true });
  const receipt = h('input', { id: 'receipt-id', value: receiptId ?? '', autocomplete: 'off', required: true });
  return h('form', {
    className: 'toolbar',
    onsubmit: (event) => {
      event.preventDefault();
      location.hash = `#/receipt/${encodeURIComponent(register.value.trim())}/${encodeURIComponent(receipt.value.trim())}`;
    },
  }, field(t('registerId'), register), field(t('receiptId'), receipt), h('button', { type: 'submit' }, t('open')));
}

const row = (label, value, className = 'row') => h('div', { className }, h('span', {}, label), h('span', {}, value));

export async function render(main, { params, signal }) {
  const [registerId, receiptId] = params;
  main.replaceChildren(h('h1', {}, t('receiptTitle')), picker(registerId, receiptId));
  if (!registerId || !receiptId) return;
  const path = `/api/v1/registers/${encodeURIComponent(registerId)}/receipts/${encodeURIComponent(receiptId)}`;
  const receipt = await apiOrNull(path, { signal });
  if (!receipt) return main.append(message(t('receiptNotFound'), 'alert'));
  const store = await apiOrNull(`/api/v1/stores/${encodeURIComponent(receipt.storeId)}`, { signal });
  const qr = h('img', { className: 'qr', alt: t('qrAlt'), width: 180, height: 180 });
  main.append(h('article', { className: 'receipt', 'aria-label': t('receiptTitle'), id: 'receipt' },
    h('h2', {}, receipt.operation === 'sell' ? t('receiptSell') : t('receiptRefund')),
    store ? [h('p', {}, store.name), h('p', {}, store.address), h('p', {}, `${t('inn')} ${store.inn}`)] : null,
    h('p', {}, dateTime(receipt.dateTime)),
    h('hr'),
    receipt.items.map((item) => h('div', {},
      h('p', {}, item.name),
      row(`${quantity(item.quantity)} × ${money(item.price)}`, money(item.sum)),
      row(t('vat', VAT_NAMES[item.vat] ?? item.vat), money(item.vatAmount)))),
    row(t("total"), money(receipt.total), "row total"),
    receipt.payments.map((p) => row(t(p.type) || p.type, money(p.amount))),
    receipt.change ? row(t('change2'), money(receipt.change)) : null,
    receipt.vat.map((v) => row(t('vat', VAT_NAMES[v.rate] ?? v.rate), money(v.amount))),
    h('hr'),
    row(t('shiftNo'), receipt.shiftNumber), row(t('receiptNo'), receipt.receiptNumber),
    row(t('fn'), receipt.fnSerial), row(t('fd'), receipt.fiscalDocumentNumber), row(t('fp'), receipt.fiscalSign),
    row(t('rn'), receipt.registrationNumber),
    qr, h('p', { className: 'note' }, t('checkAt'))));
  qr.src = await imageUrl(`${path}/qr.png`, signal);
  signal.addEventListener('abort', () => URL.revokeObjectURL(qr.src));
}

