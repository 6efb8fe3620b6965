// Finds a Chromium for Playwright and Vitest browser mode WITHOUT downloading anything
// (`npx playwright install` cannot reach its CDN here). In order:
//   1. CHROME_PATH, if set (an error if it points nowhere: a typo must not silently fall back);
//   2. a system Chromium or Chrome (Debian's /usr/bin/chromium, chromium-browser, google-chrome…);
//   3. the npm package @sparticuz/chromium (first, with INTERLEAVE_CHROMIUM=npm): its
//      brotli-packed headless shell is unpacked once into
//      node_modules/.cache/interleave-chromium/<version>/ (atomically: into a temporary folder
//      that is renamed into place, so concurrent runs never see half-written files).
//
//   import { chromiumLaunchOptions } from './tests/support/chromium.mjs';
//   const { executablePath, args, env } = chromiumLaunchOptions(); // Playwright launch options
//
// Everything is synchronous so that config files can call it at top level. The fallback's own
// argument list is NOT used: it carries --disable-web-security (which turns cross-origin
// isolation off, and with it SharedArrayBuffer) and --single-process.
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Arguments for every Chromium we launch, whichever was found. */
export const baseArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Executables looked for on PATH, then fixed locations, in this order. */
const systemNames = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const systemPaths = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
];

/** @type {ReturnType<typeof findChromium> | undefined} */
let found;

/**
 * Which Chromium to use and how.
 * @returns {{ source: 'CHROME_PATH' | 'system' | 'npm', executablePath: string, args: string[],
 *   extraEnv: Record<string, string>, version?: string }}
 */
export function findChromium() {
  if (found) return found;
  // INTERLEAVE_CHROMIUM=npm tests the fallback on a machine that has a system Chromium.
  if (process.env.INTERLEAVE_CHROMIUM === 'npm') return (found = unpackNpmChromium());
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`CHROME_PATH is set to ${fromEnv}, which is not an executable file.`);
    }
    found = { source: 'CHROME_PATH', executablePath: fromEnv, args: [...baseArgs], extraEnv: {} };
    return found;
  }
  const system = findSystemChromium();
  if (system) {
    found = { source: 'system', executablePath: system, args: [...baseArgs], extraEnv: {} };
    return found;
  }
  found = unpackNpmChromium();
  return found;
}

/**
 * Launch options for Playwright (`launchOptions` in playwright.config.ts, or
 * `chromium.launch(...)`), also usable for Vitest browser mode's Playwright provider.
 * `env` is the full environment for the browser (process.env plus what the browser needs),
 * because Playwright replaces the environment when `env` is given.
 * @returns {{ executablePath: string, args: string[], env: Record<string, string> }}
 */
export function chromiumLaunchOptions() {
  const { executablePath, args, extraEnv } = findChromium();
  /** @type {Record<string, string>} */
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  Object.assign(env, extraEnv);
  return { executablePath, args: [...args], env };
}

/** One line for logs: which browser, from where. */
export function describeChromium() {
  const { source, executablePath, version } = findChromium();
  return `Chromium (${source}${version ? ` @sparticuz/chromium ${version}` : ''}): ${executablePath}`;
}

function findSystemChromium() {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of systemNames) {
    for (const dir of pathDirs) {
      const candidate = join(dir, name);
      // Skip node_modules/.bin shims (npm run puts them first on PATH).
      if (candidate.includes(`${sep}node_modules${sep}`)) continue;
      if (isExecutable(candidate)) return candidate;
    }
  }
  return systemPaths.find(isExecutable);
}

/** @param {string} file */
function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The npm fallback: @sparticuz/chromium
// ---------------------------------------------------------------------------------------------

function unpackNpmChromium() {
  const require = createRequire(join(projectRoot, 'package.json'));
  let entry;
  try {
    entry = require.resolve('@sparticuz/chromium');
  } catch {
    throw new Error(
      'No Chromium found: CHROME_PATH is not set, there is no system Chromium ' +
        '(try `apt-get install chromium`), and @sparticuz/chromium is not installed (`npm install`).',
    );
  }
  // entry is <pkg>/build/index.js; its packed files are in <pkg>/bin.
  const packageDir = resolve(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const binDir = join(packageDir, 'bin');
  const cacheRoot = process.env.INTERLEAVE_CHROMIUM_CACHE ?? join(projectRoot, 'node_modules', '.cache', 'interleave-chromium');
  const target = join(cacheRoot, version);
  const executablePath = join(target, 'chromium');

  if (!isComplete(target)) {
    mkdirSync(cacheRoot, { recursive: true });
    removeAbandonedPartials(cacheRoot);
    const temporary = join(cacheRoot, `.partial-${version}-${process.pid}-${Date.now()}`);
    try {
      unpackInto(binDir, temporary, target);
      try {
        renameSync(temporary, target);
      } catch (error) {
        // Another process won the race (or an incomplete folder is in the way).
        if (!isComplete(target)) {
          rmSync(target, { recursive: true, force: true });
          renameSync(temporary, target);
        }
      }
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
  }

  const libDir = join(target, 'lib');
  const ldPath = [libDir, target, ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)];
  return {
    source: /** @type {const} */ ('npm'),
    version,
    executablePath,
    // Its Chromium is a headless shell built for Lambda; our base args suffice. Deliberately
    // not used from its own list: --disable-web-security, --single-process, --no-zygote.
    args: [...baseArgs, '--font-render-hinting=none'],
    extraEnv: {
      LD_LIBRARY_PATH: [...new Set(ldPath)].join(':'),
      FONTCONFIG_FILE: join(target, 'fonts.conf'),
      FONTCONFIG_PATH: target,
    },
  };
}

/** Partial folders left by a run that was killed while unpacking (over 200 MB each). */
function removeAbandonedPartials(/** @type {string} */ cacheRoot) {
  for (const name of readdirSync(cacheRoot)) {
    if (!name.startsWith('.partial-')) continue;
    const folder = join(cacheRoot, name);
    try {
      if (Date.now() - statSync(folder).mtimeMs > 10 * 60_000) rmSync(folder, { recursive: true, force: true });
    } catch {
      // Gone already.
    }
  }
}

/** Bumped when the unpacked layout changes, so that older caches are unpacked again. */
const layout = 'interleave-chromium layout 2';

/** A folder is only ever renamed into place when done; `.complete` says which layout it has. */
function isComplete(/** @type {string} */ folder) {
  try {
    return readFileSync(join(folder, '.complete'), 'utf8').startsWith(layout) && isExecutable(join(folder, 'chromium'));
  } catch {
    return false;
  }
}

/**
 * chromium.br → chromium; swiftshader.tar.br → beside it (Chromium loads libGLESv2.so, libEGL.so
 * and libvk_swiftshader.so from its own folder); al2023.tar.br → lib/ (nss, nspr, expat);
 * fonts.tar.br → fonts/, plus our own fonts.conf (theirs points at Lambda's /var/task, /tmp).
 * @param {string} binDir
 * @param {string} folder where to unpack
 * @param {string} final where `folder` will be renamed to (fonts.conf names its paths)
 */
function unpackInto(binDir, folder, final) {
  mkdirSync(folder, { recursive: true });
  const chromium = join(folder, 'chromium');
  writeFileSync(chromium, brotliDecompressSync(readFileSync(join(binDir, 'chromium.br'))));
  chmodSync(chromium, 0o755);
  for (const archive of ['swiftshader.tar.br', 'al2023.tar.br', 'fonts.tar.br']) {
    const file = join(binDir, archive);
    if (existsSync(file)) untar(brotliDecompressSync(readFileSync(file)), folder);
  }
  const fontDirs = [join(final, 'fonts'), '/usr/share/fonts', '/usr/local/share/fonts'];
  writeFileSync(
    join(folder, 'fonts.conf'),
    [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      '<fontconfig>',
      ...fontDirs.map((dir) => `  <dir>${escapeXml(dir)}</dir>`),
      `  <cachedir>${escapeXml(join(final, 'fonts-cache'))}</cachedir>`,
      '</fontconfig>',
      '',
    ].join('\n'),
  );
  writeFileSync(join(folder, '.complete'), `${layout}\n${new Date().toISOString()}\n`);
}

/** @param {string} text */
function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A small tar reader (ustar, GNU long names, pax path records): regular files, folders and
 * symbolic links. Entries that would land outside `folder` are refused.
 * @param {Buffer} tar
 * @param {string} folder
 */
export function untar(tar, folder) {
  const root = resolve(folder);
  let offset = 0;
  /** @type {string | undefined} */
  let longName;
  /** @type {string | undefined} */
  let longLink;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break; // End of archive.
    const field = (/** @type {number} */ start, /** @type {number} */ length) =>
      header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const mode = Number.parseInt(field(100, 8).trim() || '644', 8);
    const magic = field(257, 6);
    const prefix = magic.startsWith('ustar') ? field(345, 155) : '';
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const link = longLink ?? field(157, 100);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;

    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'K') {
      longLink = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      const records = parsePax(body);
      if (records.path) longName = records.path;
      if (records.linkpath) longLink = records.linkpath;
      continue;
    }
    if (type === 'g') continue;
    longName = undefined;
    longLink = undefined;

    name = name.replace(/^(\.\/)+/, '');
    if (!name) continue;
    const destination = resolve(root, name);
    if (destination !== root && !destination.startsWith(root + sep)) {
      throw new Error(`Refusing to unpack ${name} outside ${root}`);
    }
    if (type === '5') {
      mkdirSync(destination, { recursive: true });
    } else if (type === '0' || type === '7') {
      mkdirSync(dirname(destination), { recursive: true });
      writeFileSync(destination, body);
      chmodSync(destination, mode & 0o777);
    } else if (type === '2') {
      mkdirSync(dirname(destination), { recursive: true });
      rmSync(destination, { force: true });
      symlinkSync(link, destination);
    }
    // Hard links, devices and FIFOs do not occur in these archives; they are skipped.
  }
}

/** @param {Buffer} body */
function parsePax(body) {
  /** @type {Record<string, string>} */
  const records = {};
  let position = 0;
  while (position < body.length) {
    const space = body.indexOf(0x20, position);
    if (space < 0) break;
    const length = Number.parseInt(body.toString('utf8', position, space), 10);
    if (!length) break;
    const record = body.toString('utf8', space + 1, position + length - 1);
    const equals = record.indexOf('=');
    records[record.slice(0, equals)] = record.slice(equals + 1);
    position += length;
  }
  return records;
}

// `node tests/support/chromium.mjs` prints which Chromium would be used (unpacking if needed).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const options = chromiumLaunchOptions();
  console.log(describeChromium());
  console.log(`args: ${options.args.join(' ')}`);
  const { extraEnv } = findChromium();
  for (const [key, value] of Object.entries(extraEnv)) console.log(`${key}=${value}`);
  console.log(`ready in ${Math.round(performance.now() - started)} ms`);
}
