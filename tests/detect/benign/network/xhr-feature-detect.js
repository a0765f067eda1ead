// benign: category=network max-plugin=79 max-package=39
// why: transports are feature-detected through `window.XMLHttpRequest` and friends; nothing is sent.
const hasWindow = typeof window !== 'undefined';

export const transports = {
  fetch: hasWindow && typeof window.fetch === 'function',
  xhr: hasWindow && !!window.XMLHttpRequest,
  xhr2: hasWindow && !!window.XMLHttpRequest && 'withCredentials' in new window.XMLHttpRequest(),
  beacon: typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function',
  websocket: hasWindow && 'WebSocket' in window,
};

export function preferredTransport() {
  if (transports.fetch) return 'fetch';
  if (transports.xhr2) return 'xhr';
  return 'none';
}
