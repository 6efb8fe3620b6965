// Share links (src/playground/share-link.ts) and the edits key (src/playground/edits.ts), in Node:
// both use only web-standard APIs that Node has too.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { textKey } from '../../../src/playground/edits.ts';
import { MAX_SHARED_BYTES, readShareHash, shareUrl } from '../../../src/playground/share-link.ts';

const page = new URL('https://example.org/interleave/threads/overview/?q=1');

describe('share links', () => {
  test('round trip: the code and example come back unchanged', async () => {
    const code = 'console.log("héllo ~ #run= 🧵");\n'.repeat(50);
    const url = new URL(await shareUrl('threads/examples/start-join', code, page));
    expect(url.pathname + url.search).toBe(page.pathname + page.search);
    expect(await readShareHash(url.hash)).toEqual({ exampleId: 'threads/examples/start-join', code });
  });

  test('a hash that is not a share link is ignored', async () => {
    expect(await readShareHash('')).toBeNull();
    expect(await readShareHash('#overview')).toBeNull();
  });

  test.each([
    ['cut off', '#run=threads%2Fexamples%2Fstart-join'],
    ['no example', '#run=~S87PK87PSdXLyU_XMNS0BgA'],
    ['not base64', '#run=a~not*base64'],
    ['not deflate', '#run=a~AAAAAAAA'],
    ['extra part', '#run=a~S87PK87PSdXLyU_XMNS0BgA~x'],
  ])('damaged (%s)', async (_, hash) => {
    expect(await readShareHash(hash)).toBe('damaged');
  });

  test('a link that unpacks to more than the cap is refused', async () => {
    const bomb = deflateRawSync(Buffer.alloc(MAX_SHARED_BYTES + 1, 'a')).toString('base64url');
    expect(await readShareHash(`#run=a~${bomb}`)).toBe('damaged');
    const fits = deflateRawSync(Buffer.alloc(MAX_SHARED_BYTES, 'a')).toString('base64url');
    expect(await readShareHash(`#run=a~${fits}`)).toEqual({ exampleId: 'a', code: 'a'.repeat(MAX_SHARED_BYTES) });
  });
});

describe('edits key', () => {
  test('is stable, eight hex digits, and differs for different text', () => {
    expect(textKey('abc')).toMatch(/^[0-9a-f]{8}$/);
    expect(textKey('abc')).toBe(textKey('abc'));
    expect(textKey('abc')).not.toBe(textKey('abd'));
    expect(textKey('')).toBe('811c9dc5'); // FNV-1a's offset basis
  });
});
