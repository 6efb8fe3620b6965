/**
 * Functions of the runtime itself that run as thread targets (an executor's pool worker loop).
 * They cannot travel by source text (they use the runtime's internals), so they travel by a
 * registered name, which every worker knows because it loads the same runtime.
 */
const byName = new Map<string, (...args: unknown[]) => unknown>();
const names = new WeakMap<Function, string>();

/** Registers `fn` as a thread target that travels as `name`. Called once, at module load. */
export function registerRuntimeFunction(name: string, fn: (...args: unknown[]) => unknown): void {
  byName.set(name, fn);
  names.set(fn, name);
}

/** The name `fn` was registered under, or undefined for any other function. */
export function runtimeFunctionName(fn: Function): string | undefined {
  return names.get(fn);
}

/** The function registered as `name`; throws if there is none (a runtime version mismatch). */
export function runtimeFunction(name: string): (...args: unknown[]) => unknown {
  const fn = byName.get(name);
  if (!fn) throw new Error(`No runtime function "${name}" in this worker (is its module loaded?).`);
  return fn;
}
