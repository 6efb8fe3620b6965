/**
 * A worker serves one job after another (threads of many runs), but a run must not find what an
 * earlier run left on the global object: a snippet that sets `globalThis.total` must not see it
 * set again on its next run (Run ×N makes fresh runs), nor leak it into another run's thread.
 *
 * rememberGlobals() records the names of the worker's own globals once, before any job;
 * forgetAddedGlobals() after each job deletes every global the job added.
 *
 * Only names are recorded, not values: reading every built-in global's descriptor makes the
 * browser create each lazily installed interface object, about 11 ms per worker in Chromium,
 * paid on every worker start. So a built-in a snippet replaces (`globalThis.fetch = …`) stays
 * replaced in that worker until the pool retires it (and properties inside built-ins, such as
 * `Math.random`, are not covered either).
 */
let original: Set<PropertyKey> | null = null;

/** Records the names of the worker's globals before any job. Call once, at the worker's start. */
export function rememberGlobals(): void {
  original = new Set(Reflect.ownKeys(globalThis));
}

/** Deletes every global the last job added (see the module comment). */
export function forgetAddedGlobals(): void {
  if (!original) return;
  for (const key of Reflect.ownKeys(globalThis)) if (!original.has(key)) Reflect.deleteProperty(globalThis, key);
}
