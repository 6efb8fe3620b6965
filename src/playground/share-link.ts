// Share links carry an example's code in the URL hash: `#run=<example id>~<deflated base64url>`.
// The hash never reaches a server, and opening a link loads the code but never runs it.

const MARK = 'run=';

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
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

/** Reads a share hash; null when the hash is not one, or is damaged. */
export async function readShareHash(hash: string): Promise<{ exampleId: string; code: string } | null> {
  const body = hash.replace(/^#/, '');
  if (!body.startsWith(MARK)) return null;
  const [id, packed] = body.slice(MARK.length).split('~');
  if (!id || !packed) return null;
  try {
    const bytes = await pipe(fromBase64Url(packed), new DecompressionStream('deflate-raw'));
    return { exampleId: decodeURIComponent(id), code: new TextDecoder().decode(bytes) };
  } catch {
    return null;
  }
}
