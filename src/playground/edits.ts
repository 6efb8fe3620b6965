// A reader's edits to an example survive reloads: they are kept in localStorage under a key
// derived from the example's original text, so when the article's version changes, old edits
// no longer apply to it and are not shown.

const PREFIX = 'interleave:edit:';

/** A short, stable key for a text (FNV-1a, 32-bit, in hex). */
export function textKey(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // Storage disabled (some privacy modes): edits then last for the visit only.
  }
}

/** The reader's saved version of an example, if any. */
export function loadEdit(original: string): string | null {
  return storage()?.getItem(PREFIX + textKey(original)) ?? null;
}

/** Saves `edited`, or forgets the edit when it equals the original. */
export function saveEdit(original: string, edited: string): void {
  const store = storage();
  if (!store) return;
  const key = PREFIX + textKey(original);
  try {
    if (edited === original) store.removeItem(key);
    else store.setItem(key, edited);
  } catch {
    // Quota exceeded: the edit stays in the page; nothing else to do.
  }
}

export function forgetEdit(original: string): void {
  storage()?.removeItem(PREFIX + textKey(original));
}
