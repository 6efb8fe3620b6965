// A plain static file server, like GitHub Pages: by default it sends NO cross-origin isolation headers,
// so a page served by it is isolated only through the service worker (public/coi-sw.js).
// Serves `root` (dist/) under `base` (e.g. /interleave/): /interleave/x/ → dist/x/index.html,
// /interleave/x → 301 to /interleave/x/ when x is a folder, unknown paths → 404.html with 404.
//
//   const server = await startStaticServer({ root: 'dist', base: '/interleave/' });
//   server.url  // http://127.0.0.1:PORT/interleave/
//   server.requests  // every request path, in order
//   await server.close();
//
// `headers` adds response headers to every response (the site benchmark serves the isolation
// headers this way; the service-worker tests leave them out).
//
// `overrides` replaces files by request path, e.g. a service worker that cannot help:
//   { '/interleave/coi-sw.js': { body: '...', type: 'text/javascript' } }
//
// `node tests/support/static-server.mjs [root] [base] [port] [isolated]` serves until Ctrl-C;
// `isolated` adds the cross-origin isolation headers (as `astro preview` sends them).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolationHeaders } from '../../src/site/isolation-headers.mjs';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

/**
 * @param {{ root?: string, base?: string, port?: number, host?: string,
 *   headers?: Record<string, string>,
 *   overrides?: Record<string, { body: string, type?: string, status?: number }> }} [options]
 * @returns {Promise<{ url: string, origin: string, port: number, requests: string[],
 *   close: () => Promise<void> }>}
 */
export async function startStaticServer({
  root = 'dist',
  base = '/',
  port = 0,
  host = '127.0.0.1',
  headers = {},
  overrides = {},
} = {}) {
  const rootDir = resolve(root);
  const basePath = `/${base.replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
  /** @type {string[]} */
  const requests = [];

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(url.pathname);
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const override = overrides[url.pathname];
      if (override) {
        const body = Buffer.from(override.body);
        response.writeHead(override.status ?? 200, {
          'content-type': override.type ?? 'text/plain; charset=utf-8',
          'content-length': body.length,
          'cache-control': 'no-cache',
        });
        response.end(request.method === 'HEAD' ? undefined : body);
        return;
      }
      let pathname;
      try {
        pathname = decodeURIComponent(url.pathname);
      } catch {
        return await notFound(response, request.method);
      }
      if (`${pathname}/` === basePath) {
        response.writeHead(301, { location: basePath + url.search }).end();
        return;
      }
      if (!pathname.startsWith(basePath)) return await notFound(response, request.method);
      const file = resolve(rootDir, `.${sep}${pathname.slice(basePath.length)}`);
      if (file !== rootDir && !file.startsWith(rootDir + sep)) return await notFound(response, request.method);

      const info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) {
        if (!pathname.endsWith('/')) {
          response.writeHead(301, { location: `${pathname}/${url.search}` }).end();
          return;
        }
        const index = join(file, 'index.html');
        const indexInfo = await stat(index).catch(() => undefined);
        if (indexInfo?.isFile()) return send(response, request.method, index, 200, indexInfo.size);
        return await notFound(response, request.method);
      }
      if (info?.isFile()) return send(response, request.method, file, 200, info.size);
      return await notFound(response, request.method);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });

  /**
   * @param {import('node:http').ServerResponse} response
   * @param {string} method
   */
  async function notFound(response, method) {
    const page = join(rootDir, '404.html');
    const info = await stat(page).catch(() => undefined);
    if (info?.isFile()) return send(response, method, page, 404, info.size);
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
  }

  /**
   * @param {import('node:http').ServerResponse} response
   * @param {string} method
   * @param {string} file
   * @param {number} status
   * @param {number} size
   */
  function send(response, method, file, status, size) {
    response.writeHead(status, {
      'content-type': types[/** @type {keyof typeof types} */ (extname(file).toLowerCase())] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-cache',
    });
    if (method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  }

  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen(undefined));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const origin = `http://${host}:${actualPort}`;
  return {
    url: `${origin}${basePath}`,
    origin,
    port: actualPort,
    requests,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root = 'dist', base = '/', port = '8080', isolated] = process.argv.slice(2);
  const headers = isolated === 'isolated' ? isolationHeaders : {};
  const server = await startStaticServer({ root, base, port: Number(port), headers });
  console.log(`Serving ${resolve(root)} at ${server.url} (${isolated === 'isolated' ? 'with' : 'no'} isolation headers)`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
