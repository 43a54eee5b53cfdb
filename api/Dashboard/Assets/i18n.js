// Texts in Russian (the default) and English, and the number and date formats of each.
const texts = {
  ru: {
    skip: 'Перейти к содержимому', language: 'Язык', signOut: 'Выйти', sections: 'Разделы',
    signInTitle: 'Вход в панель', token: 'Ключ API (токен)', signIn: 'Войти',
    signInHint: 'Токен хранится только в этой вкладке браузера и забывается при её закрытии.',
    badToken: 'Ключ не принят: проверьте токен.', loading: 'Загрузка…', error: 'Ошибка: {0}',
    navChain: 'Сеть', navStore: 'Магазин', navSku: 'Товар', navReceipt: 'Чек', navOps: 'Эксплуатация',
    role: 'Роль: {0}', roles: { admin: 'администратор', manager: 'управляющий', cashier: 'кассир', integration: 'интеграция' },
    noAccess: 'Нет доступа к магазину «{0}»: этот ключ не может его читать.', noStores: 'Этому ключу не доступен ни один магазин.',
    chainTitle: 'Сеть сегодня', chainOf: 'Магазины ключа: {0}', revenue: 'Выручка', receipts: 'Чеки', avgTicket: 'Средний чек',
    vsLastWeek: 'к тому же дню прошлой недели', store: 'Магазин', today: 'Сегодня', lastWeek: 'Неделю назад', change: 'Изменение',
    total: 'Итого', byStore: 'Продажи по магазинам: сегодня и тот же день недели неделю назад',
    hourly: 'Продажи по часам за последние 24 часа', hourlyLabel: 'Выручка по часам за 24 часа, всего {0}',
    topSkus: 'Топ товаров за 24 часа', sku: 'Товар', units: 'Кол-во', noData: 'Нет данных.',
    negativeStores: 'Магазины с отрицательным остатком', negativeCount: 'позиций с минусом: {0}', noNegative: 'Отрицательных остатков нет.',
    attention: 'Кассы, требующие внимания', noAttention: 'Все известные кассы в порядке.',
    shiftLong: 'смена открыта {0} ч', shiftExpired: 'смена истекла (24 ч)', ofdBlocked: 'ОФД: приём чеков заблокирован',
    ofdNear: 'ОФД: не подтверждено с {0} ({1} дн.)', gaps: 'не получены ФД: {0}',
    noAnalytics: 'Аналитика продаж доступна ключам управляющего и администратора.',
    refresh: 'Обновить', updatedAt: 'Обновлено в {0}',
    storeTitle: 'Магазин «{0}»', chooseStore: 'Магазин', open: 'Открыть', stock: 'Остатки', search: 'Поиск по товару',
    onHand: 'На руках', reserved: 'Резерв', available: 'Доступно', incoming: 'В пути', version: 'Версия',
    pageOf: 'Стр. {0} из {1}, позиций: {2}', prev: 'Назад', next: 'Вперёд', pageSize: 'Строк на странице',
    liveOn: 'Онлайн: изменения приходят сами', liveOff: 'Нет связи, переподключение…', legend: 'Жёлтым — ниже точки заказа, красным — отрицательный остаток.',
    registers: 'Кассы магазина', register: 'Касса', shift: 'Смена', ofd: 'ОФД', shiftOpen: '№{0} открыта с {1}, чеков {2}', shiftClosed: 'закрыта',
    ofdOk: 'всё передано', ofdPending: 'не передано: {0}', registerLookup: 'Касса по номеру', show: 'Показать',
    registersNote: 'Кассы магазина; кассу можно найти и по номеру.',
    registersManager: 'Состояние касс не видно ключу интеграции.',
    procurement: 'Предложения к закупке', suggested: 'Заказать', dailyDemand: 'Спрос в день', reorderPoint: 'Точка заказа',
    daysOfCover: 'Дней запаса', stockout: 'Кончится', supplier: 'Поставщик', defaultSupplier: 'Основной поставщик',
    makeDraft: 'Создать черновик заказа', draftMade: 'Черновик заказа {0} создан: строк {1}.', noSuggestions: 'Заказывать нечего.',
    transfers: 'Открытые перемещения', from: 'Откуда', to: 'Куда', status: 'Статус', lines: 'Строк', noTransfers: 'Открытых перемещений нет.',
    ordersUnlisted: 'Интернет-заказы в API не перечисляются (только по номеру), поэтому здесь не показаны.',
    statuses: { draft: 'черновик', shipped: 'в пути', received: 'принято', canceled: 'отменено' },
    skuTitle: 'Товар {0}', skuCode: 'Код товара', price: 'Цена', chainStock: 'Остатки по сети', movements: 'Последние движения',
    type: 'Тип', quantity: 'Кол-во', after: 'Остаток после', when: 'Когда', document: 'Документ', sales7: 'Продано за 7 дней',
    forecast: 'Прогноз спроса в день', unknownSku: 'Товар «{0}» не найден.', salesNote: 'Продажи и прогноз по дням — на графике ниже.', dailyTitle: 'Продажи по дням и прогноз', dailyLabel: 'Продано за {0} дн.: {1}; прогноз на {2} дн.: {3}', soldDay: 'продано', forecastDay: 'прогноз',
    receiptTitle: 'Кассовый чек', receiptId: 'Номер чека (id)', registerId: 'Касса (id)', receiptSell: 'Кассовый чек. Приход',
    receiptRefund: 'Кассовый чек. Возврат прихода', vat: 'НДС {0}', cash: 'Наличными', electronic: 'Безналичными', change2: 'Сдача',
    shiftNo: 'Смена', receiptNo: 'Чек', fd: 'ФД', fp: 'ФП', fn: 'ФН', rn: 'РН ККТ', inn: 'ИНН', qrAlt: 'QR-код чека для проверки в ФНС',
    checkAt: 'Проверить чек можно по QR-коду', receiptNotFound: 'Чек не найден или недоступен этому ключу.',
    opsTitle: 'Эксплуатация', opsLinks: 'Метрики Prometheus, справочник API и документ OpenAPI этого сервера.',
    metrics: 'Метрики (/metrics)', scalar: 'Справочник API (/scalar/)', openapi: 'OpenAPI (/openapi/v1.json)',
    orleansDashboard: 'Панель Orleans', adminOnly: 'Раздел доступен только администратору.',
    orleansTicket: '(открывается в этом браузере на час по ключу администратора)',
    orleansOff: 'Панель Orleans не включена: Retail__Dashboard__Orleans=true на API со своим силосом.',
  },
  en: {
    skip: 'Skip to content', language: 'Language', signOut: 'Sign out', sections: 'Sections',
    signInTitle: 'Sign in to the dashboard', token: 'API key (token)', signIn: 'Sign in',
    signInHint: 'The token is kept only in this browser tab and forgotten when it closes.',
    badToken: 'The key was refused: check the token.', loading: 'Loading…', error: 'Error: {0}',
    navChain: 'Chain', navStore: 'Store', navSku: 'SKU', navReceipt: 'Receipt', navOps: 'Operations',
    role: 'Role: {0}', roles: { admin: 'admin', manager: 'manager', cashier: 'cashier', integration: 'integration' },
    noAccess: 'No access to store “{0}”: this key may not read it.', noStores: 'This key may read no store.',
    chainTitle: 'The chain today', chainOf: 'Stores of this key: {0}', revenue: 'Revenue', receipts: 'Receipts', avgTicket: 'Average ticket',
    vsLastWeek: 'vs the same day last week', store: 'Store', today: 'Today', lastWeek: 'A week ago', change: 'Change',
    total: 'Total', byStore: 'Sales by store: today and the same weekday a week ago',
    hourly: 'Sales per hour, last 24 hours', hourlyLabel: 'Revenue per hour over 24 hours, {0} in all',
    topSkus: 'Top SKUs, last 24 hours', sku: 'SKU', units: 'Units', noData: 'No data.',
    negativeStores: 'Stores with negative stock', negativeCount: 'negative lines: {0}', noNegative: 'No negative stock.',
    attention: 'Registers needing attention', noAttention: 'Every known register is fine.',
    shiftLong: 'shift open for {0} h', shiftExpired: 'shift expired (24 h)', ofdBlocked: 'OFD: receipts blocked',
    ofdNear: 'OFD: unconfirmed since {0} ({1} days)', gaps: 'FDs not received: {0}',
    noAnalytics: 'Sales analytics are for manager and admin keys.',
    refresh: 'Refresh', updatedAt: 'Updated at {0}',
    storeTitle: 'Store “{0}”', chooseStore: 'Store', open: 'Open', stock: 'Stock', search: 'Search SKU',
    onHand: 'On hand', reserved: 'Reserved', available: 'Available', incoming: 'Incoming', version: 'Version',
    pageOf: 'Page {0} of {1}, {2} lines', prev: 'Previous', next: 'Next', pageSize: 'Rows per page',
    liveOn: 'Live: changes arrive by themselves', liveOff: 'Disconnected, reconnecting…', legend: 'Yellow: below the reorder point; red: negative stock.',
    registers: 'Registers of the store', register: 'Register', shift: 'Shift', ofd: 'OFD', shiftOpen: 'no. {0} open since {1}, {2} receipts', shiftClosed: 'closed',
    ofdOk: 'all delivered', ofdPending: 'undelivered: {0}', registerLookup: 'Register by id', show: 'Show',
    registersNote: 'The store’s registers; find one by its id as well.',
    registersManager: 'Register state is not shown to integration keys.',
    procurement: 'Purchase suggestions', suggested: 'Order', dailyDemand: 'Daily demand', reorderPoint: 'Reorder point',
    daysOfCover: 'Days of cover', stockout: 'Stock-out', supplier: 'Supplier', defaultSupplier: 'Main supplier',
    makeDraft: 'Make a draft purchase order', draftMade: 'Draft purchase order {0} made: {1} lines.', noSuggestions: 'Nothing to order.',
    transfers: 'Open transfers', from: 'From', to: 'To', status: 'Status', lines: 'Lines', noTransfers: 'No open transfers.',
    ordersUnlisted: 'Online orders cannot be listed through the API (only read by id), so they are not shown.',
    statuses: { draft: 'draft', shipped: 'shipped', received: 'received', canceled: 'canceled' },
    skuTitle: 'SKU {0}', skuCode: 'SKU code', price: 'Price', chainStock: 'Stock across the chain', movements: 'Recent movements',
    type: 'Type', quantity: 'Quantity', after: 'On hand after', when: 'When', document: 'Document', sales7: 'Sold in 7 days',
    forecast: 'Forecast daily demand', unknownSku: 'SKU “{0}” was not found.', salesNote: 'Daily sales and the forecast are charted below.', dailyTitle: 'Daily sales and forecast', dailyLabel: 'Sold in {0} days: {1}; forecast for {2} days: {3}', soldDay: 'sold', forecastDay: 'forecast',
    receiptTitle: 'Fiscal receipt', receiptId: 'Receipt id', registerId: 'Register id', receiptSell: 'Fiscal receipt. Sale',
    receiptRefund: 'Fiscal receipt. Sale refund', vat: 'VAT {0}', cash: 'Cash', electronic: 'Card', change2: 'Change',
    shiftNo: 'Shift', receiptNo: 'Receipt', fd: 'FD', fp: 'FS', fn: 'FN', rn: 'Reg. no.', inn: 'INN', qrAlt: 'QR code to check the receipt with the tax service',
    checkAt: 'Check the receipt with its QR code', receiptNotFound: 'The receipt was not found or this key may not read it.',
    opsTitle: 'Operations', opsLinks: 'Prometheus metrics, the API reference and the OpenAPI document of this server.',
    metrics: 'Metrics (/metrics)', scalar: 'API reference (/scalar/)', openapi: 'OpenAPI (/openapi/v1.json)',
    orleansDashboard: 'Orleans dashboard', adminOnly: 'Only admins see this section.',
    orleansTicket: '(opens in this browser for an hour, by the admin key)',
    orleansOff: 'The Orleans dashboard is off: set Retail__Dashboard__Orleans=true on an API that hosts its silo.',
  },
};

const LANG_KEY = 'retail.lang';
let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'ru';
const locale = () => (lang === 'ru' ? 'ru-RU' : 'en-GB');

export const currentLang = () => lang;

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'ru';
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
}

/** A text by key, with {0}, {1}… filled in; a dotted key reads a nested table (roles.admin). */
export function t(key, ...args) {
  const value = key.split('.').reduce((table, part) => table?.[part], texts[lang]) ?? key;
  return String(value).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

const cache = new Map();
function format(kind, options) {
  const id = `${lang}|${kind}`;
  if (!cache.has(id)) cache.set(id, new Intl.NumberFormat(locale(), options));
  return cache.get(id);
}

export const money = (value) => format('money', { style: 'currency', currency: 'RUB', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value ?? 0);
export const quantity = (value) => format('qty', { maximumFractionDigits: 3 }).format(value ?? 0);
export const percent = (value) => format('pct', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(value);
export const date = (value) => new Date(value).toLocaleDateString(locale(), { day: '2-digit', month: '2-digit', year: 'numeric' });
export const time = (value) => new Date(value).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
export const dateTime = (value) => `${date(value)} ${time(value)}`;
/** A calendar date (yyyy-mm-dd, no zone) shown as a date. */
export const day = (value) => date(`${value}T12:00:00`);
