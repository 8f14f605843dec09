// Live reload in a real browser: `oogst serve` on a copy of the shipped harvest; an edit
// reloads the open page, a broken front matter shows the error overlay with file and
// line, and the fix takes the overlay away again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { OOGST, REPO, tempDir, copySiteSources } from './lib/site.js';
import { launch, openPage } from './lib/browser.js';

const FILE = 'content/conclusions/01-cop-als-leerplek.md';
const PAGE = 'conclusies/cop-als-leerplek/';
const WITHIN = 10_000; // every change must show within 10 s
// Longer than every timeout of the preview server (5 s idle): a writer reads before editing.
const READING = 12_000;

let tmp, serve, base, browser, page;
let output = '';

/** Start `oogst serve` on `port` (0: a free one) and resolve with the URL it prints. */
function startServe(root, port = 0) {
  return new Promise((resolve, reject) => {
    const child = spawn(OOGST, ['serve', '--port', String(port), '--root', root], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => reject(new Error(`oogst serve printed no address in 30 s:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      const m = output.match(/serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`oogst serve exited (${code ?? signal}):\n${output}`));
    });
  });
}

/** Write the way editors do: a temporary file beside the target, renamed over it. */
async function saveAtomically(file, text) {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  await fs.writeFile(temp, text);
  await fs.rename(temp, file);
}

/** Poll `fn(arg)` in the page until it returns a truthy value; survives reloads. */
async function until(fn, arg, what, within = WITHIN) {
  const deadline = Date.now() + within;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await page.evaluate(fn, arg);
      if (last) return last;
    } catch {
      // the page is reloading: its context went away; try again
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within ${within / 1000} s: ${what}\nserver output:\n${output}`);
}

const connected = () => until(() => window.__oogst && window.__oogst.readyState === 1, null, 'live-reload connection');

let original;
const withBody = (body) => original.replace(/\n---\n[\s\S]*$/, `\n---\n\n${body}\n`);

/** Save the page's file with `text` as its body; wait for the page marked before to reload with it. */
async function saveAndSeeReloaded(text) {
  await saveAtomically(path.join(tmp.dir, FILE), withBody(text));
  await until(
    (text) => !window.__beforeEdit && document.querySelector('main').innerText.includes(text),
    text,
    `the page reloads and shows "${text}"`,
  );
}

before(async () => {
  tmp = await tempDir('live');
  await copySiteSources(REPO, tmp.dir);
  original = await fs.readFile(path.join(tmp.dir, FILE), 'utf8');
  const started = await startServe(tmp.dir);
  serve = started.child;
  base = started.url;
  browser = await launch();
  page = await openPage(browser, { width: 1280 });
});

/** Stop the server the way a writer does (Ctrl-C), and wait until it has exited. */
async function stopServe() {
  if (!serve || serve.exitCode !== null) return;
  const exited = new Promise((r) => serve.once('exit', r));
  serve.kill('SIGINT');
  const timer = setTimeout(() => serve.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

after(async () => {
  await browser?.close();
  await stopServe();
  await tmp?.cleanup();
});

test('live reload: an edit after a pause longer than every server timeout reloads the open page with the new text', async () => {
  const response = await page.goto(base + PAGE, { waitUntil: 'load' });
  assert.equal(response.status(), 200);
  assert.match(response.headers()['cache-control'] ?? '', /no-store/, 'oogst serve should send Cache-Control: no-store');
  await connected();
  await page.evaluate(() => (window.__beforeEdit = true));
  await new Promise((r) => setTimeout(r, READING));
  assert.ok(await page.evaluate(() => window.__oogst.readyState === 1), 'the event stream stays open while the writer reads');

  const text = `Nieuwe tekst uit de browsertest ${Date.now()}.`;
  await saveAndSeeReloaded(text);
  for (let i = 0; i < 50 && !/changed: rebuilt/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(output, /changed: rebuilt/, 'oogst serve reports the rebuild');
});

test('live reload: a broken front matter shows the error overlay with file and line; the fix removes it', async (t) => {
  await page.goto(base + PAGE, { waitUntil: 'load' });
  await connected();

  // An unknown key on line 5 of the file.
  const lines = withBody('Deze versie is kapot.').split('\n');
  const themesLine = lines.findIndex((l) => l.startsWith('themes:'));
  lines.splice(themesLine + 1, 0, 'thems: [instrumenten]');
  const brokenLine = themesLine + 2; // 1-based
  await saveAtomically(path.join(tmp.dir, FILE), lines.join('\n'));

  const overlay = await until(
    () => document.getElementById('oogst-error-overlay')?.innerText,
    null,
    'the error overlay #oogst-error-overlay appears',
  );
  t.diagnostic(`overlay: ${overlay.replace(/\s*\n\s*/g, ' | ')}`);
  assert.ok(
    overlay.includes('conclusions/01-cop-als-leerplek.md'),
    `the overlay names the file:\n${overlay}`,
  );
  assert.ok(
    new RegExp(`01-cop-als-leerplek\\.md:${brokenLine}(\\D|$)`).test(overlay),
    `the overlay names line ${brokenLine}:\n${overlay}`,
  );
  assert.ok(/thems/.test(overlay), `the overlay names the unknown key:\n${overlay}`);
  assert.ok(await page.isVisible('#oogst-error-overlay'), 'the overlay is visible');

  const fixed = `Gerepareerde tekst ${Date.now()}.`;
  await saveAtomically(path.join(tmp.dir, FILE), withBody(fixed));
  await until(
    (fixed) => !document.getElementById('oogst-error-overlay') && document.querySelector('main').innerText.includes(fixed),
    fixed,
    `the overlay goes away and the page shows "${fixed}"`,
  );
});

/** Opens event streams to the server until it refuses one; resolves with the open ones. */
async function takeEveryStream() {
  const { port } = new URL(base);
  const streams = [];
  for (let i = 0; i < 5_000; i++) {
    const socket = net.connect(Number(port), '127.0.0.1');
    const first = await new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('data', (chunk) => resolve(chunk.toString()));
      socket.write('GET /__oogst/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    if (first.startsWith('HTTP/1.1 503')) {
      socket.destroy();
      return streams;
    }
    streams.push(socket);
  }
  throw new Error('the server never refused an event stream');
}

test('live reload: a page refused its event stream (too many open pages) asks again, and reloads on an edit once there is room', async () => {
  const streams = await takeEveryStream();
  assert.ok(streams.length > 0, 'the server took some event streams before it refused one');
  await page.goto(base + PAGE, { waitUntil: 'load' });
  await until(() => window.__oogst && window.__oogst.readyState === 2, null, 'the page is refused its event stream');
  for (const stream of streams) stream.destroy();
  // The server notices streams gone at their next keep-alive line (every 10 s).
  await until(() => window.__oogst && window.__oogst.readyState === 1, null, 'the page opens its event stream again', 40_000);
  await page.evaluate(() => (window.__beforeEdit = true));
  const text = `Tekst na een geweigerde verbinding ${Date.now()}.`;
  await saveAndSeeReloaded(text);
});

test('live reload: a page left open while the server was stopped, its file saved and the server started again shows the new text', async () => {
  await page.goto(base + PAGE, { waitUntil: 'load' });
  await connected();
  await page.evaluate(() => (window.__beforeEdit = true));
  await stopServe();
  const text = `Tekst van terwijl de server stil lag ${Date.now()}.`;
  await saveAtomically(path.join(tmp.dir, FILE), withBody(text));
  // The same address, as a writer starts it again; the page's stream opens again by itself.
  output = '';
  serve = (await startServe(tmp.dir, Number(new URL(base).port))).child;
  await until(
    (text) => !window.__beforeEdit && document.querySelector('main').innerText.includes(text),
    text,
    `the page reloads and shows "${text}"`,
    30_000,
  );
});
