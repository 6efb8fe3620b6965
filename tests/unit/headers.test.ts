import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isolationHeaders } from '../../src/site/isolation-headers.mjs';

// public/_headers (Netlify, Cloudflare Pages) must send exactly the isolation headers that the
// dev and preview servers send, for every path.

/** Parses the _headers format: a path line, then indented `Name: value` lines; # comments. */
function parseHeadersFile(text: string) {
  const rules: { path: string; headers: [string, string][] }[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    if (!raw.trim() || raw.trim().startsWith('#')) continue;
    if (!/^\s/.test(raw)) {
      rules.push({ path: raw.trim(), headers: [] });
      continue;
    }
    const rule = rules.at(-1);
    const match = /^\s+([^:\s]+)\s*:\s*(.*?)\s*$/.exec(raw);
    if (!rule || !match) throw new Error(`public/_headers line ${index + 1} is not a header of a path: ${raw}`);
    rule.headers.push([match[1], match[2]]);
  }
  return rules;
}

describe('public/_headers', () => {
  const rules = parseHeadersFile(readFileSync(new URL('../../public/_headers', import.meta.url), 'utf8'));

  it('has one rule, for /*', () => {
    expect(rules.map((rule) => rule.path)).toEqual(['/*']);
  });

  it('sends exactly the headers of src/site/isolation-headers.mjs for /*', () => {
    const all = rules.find((rule) => rule.path === '/*');
    expect(all).toBeDefined();
    const names = all!.headers.map(([name]) => name.toLowerCase());
    expect(new Set(names).size, 'a header is repeated').toBe(names.length);
    expect(Object.fromEntries(all!.headers)).toEqual(isolationHeaders);
  });

  it('matches the headers the isolation needs', () => {
    expect(isolationHeaders).toEqual({
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
  });
});
