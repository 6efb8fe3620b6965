// Inlined into every page's <head> by astro.config.mjs, with __BASE__ replaced by the site's
// base path. It makes the page cross-origin isolated on hosts that cannot set headers.
//
// Invariants:
// - it does nothing when the page is isolated already (dev, preview, Netlify, Cloudflare);
// - it reloads the page at most once per tab session: the flag is set before reloading and
//   cleared only once a page load is isolated, so a service worker that cannot help never
//   causes a reload loop;
// - the worker's scope is the site's base path, so project sites under /repo/ work.
(() => {
  const FLAG = 'interleave:isolation-reload';
  // sessionStorage throws where storage is blocked. Without it a reload could not be remembered,
  // so then the page never reloads.
  let storage;
  try {
    storage = window.sessionStorage;
  } catch {
    return;
  }
  if (window.crossOriginIsolated) {
    storage.removeItem(FLAG);
    return;
  }
  const sw = navigator.serviceWorker;
  if (!window.isSecureContext || !sw) return; // Nothing to do; the page explains why.
  if (storage.getItem(FLAG)) return; // Reloaded once already without success.
  let reloading = false;
  const reload = () => {
    if (reloading) return;
    reloading = true;
    storage.setItem(FLAG, String(Date.now()));
    location.reload();
  };
  // How long a new worker may take to install and take control before the page reloads anyway.
  const TAKEOVER_MS = 5000;
  sw.register('__BASE__coi-sw.js', { scope: '__BASE__' }).then(
    (registration) => {
      // Blockers (privacy tools, test harnesses) may resolve register() with nothing.
      if (!registration) return;
      if (sw.controller) {
        // Controlled, yet not isolated: a stale worker from before. Fetch the new one and reload
        // once it controls the page (it skips waiting and claims clients), not before: a reload
        // onto the stale worker would use up the single reload.
        registration.update().then(() => {
          if (!registration.installing && !registration.waiting) return reload(); // Nothing newer.
          sw.addEventListener('controllerchange', reload, { once: true });
          setTimeout(reload, TAKEOVER_MS);
        }, reload);
      } else if (registration.active) {
        reload();
      } else {
        sw.addEventListener('controllerchange', reload, { once: true });
      }
    },
    (error) => console.warn('Interleave: live examples need cross-origin isolation;', error),
  );
})();
