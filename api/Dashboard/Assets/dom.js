// Elements built from data without innerHTML, so nothing the API returns is ever parsed as markup.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A labelled control: the label names it for screen readers and for a click. */
export function field(label, control) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h('div', { className: 'field' }, h('label', { for: id }, label), control);
}

export const card = (title, ...children) => h('section', { className: 'card', 'aria-label': title }, h('h2', {}, title), ...children);

/** A wide table in a box that scrolls sideways on a phone; focusable, so a keyboard can scroll it too. */
export const scroll = (label, table) => h('div', { className: 'scroll', tabindex: '0', role: 'region', 'aria-label': label }, table);

export function table(caption, columns, rows) {
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', className: c.num ? 'num' : undefined }, c.title)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', { className: c.num ? 'num' : undefined }, c.value(row)))))));
}

export const message = (text, kind = 'muted') => h('p', { className: kind === 'alert' ? 'alert' : kind, role: kind === 'alert' ? 'alert' : undefined }, text);
