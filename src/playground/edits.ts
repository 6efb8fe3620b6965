// A reader's edits to an example survive reloads: they are kept in localStorage under a key
// derived from the example's original text, so when the article's version changes, old edits
// no longer apply to it and are not shown.

import { safeStorage } from './safe-storage.ts';

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

// Where storage is disabled (some privacy modes), edits last for the visit only; past the quota,
// an edit stays in the page.
const storage = safeStorage('localStorage');

/** The reader's saved version of an example, if any. */
export function loadEdit(original: string): string | null {
  return storage.get(PREFIX + textKey(original));
}

/** Saves `edited`, or forgets the edit when it equals the original. */
export function saveEdit(original: string, edited: string): void {
  if (edited === original) forgetEdit(original);
  else storage.set(PREFIX + textKey(original), edited);
}

export function forgetEdit(original: string): void {
  storage.remove(PREFIX + textKey(original));
}
