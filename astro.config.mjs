// @ts-check
import { readFileSync } from 'node:fs';
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';
import { isolationHeaders } from './src/site/isolation-headers.mjs';
import { sidebar } from './src/site/sidebar.mjs';
import { lazyChunkCss } from './src/site/vite-lazy-css.mjs';

// SITE_URL and BASE_PATH let one build serve from a domain root (Netlify, Cloudflare) or from
// a project path such as https://user.github.io/interleave/ (GitHub Pages).
const site = process.env.SITE_URL ?? 'https://interleave.example.org';
const base = normalizeBase(process.env.BASE_PATH ?? '/');

const registerIsolation = readFileSync(
  new URL('./src/site/register-isolation.js', import.meta.url),
  'utf8',
)
  .replaceAll('__BASE__', base)
  .replace(/^\s*\/\/.*\n/gm, ''); // its comments are for readers of the source, not every page

export default defineConfig({
  site,
  base,
  trailingSlash: 'ignore',
  server: { headers: isolationHeaders },
  vite: {
    preview: { headers: isolationHeaders },
    server: { headers: isolationHeaders },
    worker: { format: 'es' },
    plugins: [lazyChunkCss()],
  },
  integrations: [
    starlight({
      title: 'Interleave',
      description:
        'Learn concurrency by running it: threads, locks, queues and memory models as live TypeScript that runs in true parallel in your browser.',
      logo: { src: './src/assets/logo.svg', alt: 'Interleave' },
      social: [{ icon: 'github', label: 'Source code', href: 'https://github.com/interleave-dev/interleave' }],
      sidebar,
      lastUpdated: false,
      pagefind: true,
      disable404Route: true,
      customCss: ['./src/styles/site.css'],
      head: [
        { tag: 'script', content: registerIsolation },
        { tag: 'meta', attrs: { name: 'twitter:card', content: 'summary' } },
      ],
    }),
    mdx(),
  ],
});

/**
 * '/repo' and 'repo/' both become '/repo/'; '' and '/' stay '/'.
 * @param {string} path
 */
function normalizeBase(path) {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}/` : '/';
}
