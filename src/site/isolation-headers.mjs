// The two response headers that make a page cross-origin isolated, which is what
// SharedArrayBuffer and Atomics.wait need. One list, used by the dev/preview server,
// by public/_headers (checked by a unit test) and by the README's instructions.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
