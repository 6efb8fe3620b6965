// Web storage that never throws: browsers throw on access where storage is disabled (some
// privacy modes) and on writes past the quota. Losing a stored value is always acceptable here;
// failing a run or an edit because of it is not.

export interface SafeStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function safeStorage(kind: 'localStorage' | 'sessionStorage'): SafeStorage {
  const attempt = <T>(use: (store: Storage) => T, fallback: T): T => {
    try {
      const store = globalThis[kind];
      return store ? use(store) : fallback;
    } catch {
      return fallback;
    }
  };
  return {
    get: (key) => attempt((store) => store.getItem(key), null),
    set: (key, value) => attempt((store) => store.setItem(key, value), undefined),
    remove: (key) => attempt((store) => store.removeItem(key), undefined),
  };
}
