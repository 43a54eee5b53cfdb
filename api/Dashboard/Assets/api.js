// Calls to /api/v1 with the signed-in key, and the live stock stream read from a fetch body.
const TOKEN_KEY = 'retail.token';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code;
  }
}

const headers = (extra) => ({ Authorization: `Bearer ${session.token}`, ...extra });

async function refusal(response) {
  let problem = null;
  try { problem = await response.json(); } catch { /* not a problem document */ }
  return new ApiError(response.status, problem);
}

export async function api(path, { method = 'GET', body, signal } = {}) {
  const response = await fetch(path, {
    method, signal, cache: 'no-store',
    headers: headers(body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await refusal(response);
  return response.status === 204 ? null : response.json();
}

/** The same call, or null when the key may not make it (403) or the thing is not there (404). */
export async function apiOrNull(path, options) {
  try {
    return await api(path, options);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return null;
    throw error;
  }
}

/** An image the API serves only with the key: as an object URL for an <img>. */
export async function imageUrl(path, signal) {
  const response = await fetch(path, { headers: headers({ Accept: 'image/png' }), signal });
  if (!response.ok) throw await refusal(response);
  return URL.createObjectURL(await response.blob());
}

/**
 * Reads a text/event-stream response until it ends or signal aborts. EventSource cannot send the
 * Authorization header, so the body stream of a fetch is parsed here: fields up to a blank line make
 * one event, comment lines (keep-alives) are skipped. onOpen runs once the server has answered.
 */
export async function readEvents(path, { signal, onOpen, onEvent }) {
  const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal, cache: 'no-store' });
  if (!response.ok) throw await refusal(response);
  onOpen?.();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let type = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'event') type = text;
        else if (field === 'data') data.push(text);
      }
      if (data.length) onEvent(type, data.join('\n'));
    }
  }
}

/** A client id for a new document: unique enough, and safe in a URL. */
export const newId = (prefix) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
