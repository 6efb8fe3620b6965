// Share links carry an example's code in the URL hash: `#run=<example id>~<deflated base64url>`.
// The hash never reaches a server, and opening a link loads the code but never runs it.

const MARK = 'run=';
/** Most bytes a share link may unpack to: a few kB of hash can deflate to gigabytes. */
export const MAX_SHARED_BYTES = 1024 * 1024;

async function pipe(
  bytes: Uint8Array,
  transform: CompressionStream | DecompressionStream,
  limit = Infinity,
): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(transform).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new RangeError(`unpacks to more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The page URL with `code` for example `exampleId` in its hash. */
export async function shareUrl(exampleId: string, code: string, page: URL): Promise<string> {
  const packed = await pipe(new TextEncoder().encode(code), new CompressionStream('deflate-raw'));
  const url = new URL(page.href);
  url.hash = `${MARK}${encodeURIComponent(exampleId)}~${toBase64Url(packed)}`;
  return url.href;
}

/**
 * Reads a share hash: null when the hash is not a share link; 'damaged' when it is one that
 * cannot be read (cut off, altered, or unpacking to more than MAX_SHARED_BYTES).
 */
export async function readShareHash(hash: string): Promise<{ exampleId: string; code: string } | 'damaged' | null> {
  const body = hash.replace(/^#/, '');
  if (!body.startsWith(MARK)) return null;
  const [id, packed, ...rest] = body.slice(MARK.length).split('~');
  if (!id || !packed || rest.length > 0) return 'damaged';
  try {
    const bytes = await pipe(fromBase64Url(packed), new DecompressionStream('deflate-raw'), MAX_SHARED_BYTES);
    const code = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { exampleId: decodeURIComponent(id), code };
  } catch {
    return 'damaged';
  }
}
