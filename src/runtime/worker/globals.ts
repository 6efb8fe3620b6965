/**
 * A worker serves one job after another (threads of many runs), but each job must start with
 * the globals a fresh worker has: a snippet that sets `globalThis.total` must not find it set
 * on its next run (Run ×N makes fresh runs), nor leak it into another run's thread.
 *
 * rememberGlobals() records the worker's own global properties once, before any job;
 * restoreGlobals() after each job deletes every global the job added and puts back the value
 * of every data property it replaced. Accessor properties (getters the platform defines) and
 * non-configurable ones are left as they are: a snippet cannot redefine those either.
 * What is not covered: changes inside a global object (`Math.random = …`).
 */
let original: Map<PropertyKey, PropertyDescriptor> | null = null;

/** Records the worker's globals as they are before any job. Call once, at the worker's start. */
export function rememberGlobals(): void {
  original = new Map(Reflect.ownKeys(globalThis).map((key) => [key, Reflect.getOwnPropertyDescriptor(globalThis, key)!]));
}

/** Undoes what the last job did to the global object (see the module comment). */
export function restoreGlobals(): void {
  if (!original) return;
  for (const key of Reflect.ownKeys(globalThis)) {
    const before = original.get(key);
    if (!before) {
      Reflect.deleteProperty(globalThis, key);
      continue;
    }
    const now = Reflect.getOwnPropertyDescriptor(globalThis, key);
    if (!('value' in before) || !now || !('value' in now) || Object.is(now.value, before.value)) continue;
    if (now.configurable) Reflect.defineProperty(globalThis, key, before);
    else if (now.writable) Reflect.set(globalThis, key, before.value);
  }
}
