import { isolationHeaders } from './isolation-headers.mjs';

/**
 * Why this page cannot run live examples, in the reader's words, or null when it can.
 * Live examples need SharedArrayBuffer, which browsers only give cross-origin isolated pages.
 */
export function isolationProblem(): string | null {
  if (globalThis.crossOriginIsolated && typeof SharedArrayBuffer === 'function') return null;
  const headers = Object.entries(isolationHeaders)
    .map(([name, value]) => `${name}: ${value}`)
    .join(' and ');
  const fix = `The site's host must send ${headers} on every response.`;
  if (!globalThis.isSecureContext) {
    return `Live examples cannot run here: the page is not served over HTTPS (or from localhost), so the browser withholds shared memory. ${fix}`;
  }
  if (!('serviceWorker' in navigator)) {
    return `Live examples cannot run here: this host does not send the isolation headers, and this browser window blocks the service worker that would add them (private windows often do). Open the page in a normal window, or ask the host to fix it. ${fix}`;
  }
  return `Live examples cannot run here: the page is not cross-origin isolated, so the browser withholds shared memory. Reloading once may help. ${fix}`;
}
