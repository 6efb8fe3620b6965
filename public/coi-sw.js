// Cross-origin isolation for static hosts that cannot set response headers (GitHub Pages).
// This service worker re-serves every same-scope response with COOP/COEP, so the page gets
// SharedArrayBuffer. It is registered by src/site/register-isolation.js only when the page is
// not isolated already; hosts that send the headers themselves never install it.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Chrome quirk: such requests throw when re-fetched from a worker.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  // Only our own origin is re-served; COEP require-corp lets same-origin resources through.
  if (new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0 || response.type === 'opaqueredirect') return response;
      const headers = new Headers(response.headers);
      headers.set('Cross-Origin-Opener-Policy', 'same-origin');
      headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
      headers.set('Cross-Origin-Resource-Policy', 'same-origin');
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    }),
  );
});
