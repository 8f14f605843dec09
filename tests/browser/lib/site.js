// Building sites with the oogst binary into temporary folders.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (tests/browser/lib → ../../..). */
export const REPO = path.resolve(here, '..', '..', '..');
/** The release binary; run.sh builds it and may point elsewhere with OOGST_BIN. */
export const OOGST =
  process.env.OOGST_BIN ||
  path.join(process.env.CARGO_TARGET_DIR ? path.resolve(REPO, process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target'), 'release', 'oogst');
/** Screenshots and PDFs: artifacts/browser/ under the repository root (ignored by git). */
export const ARTIFACTS = path.join(REPO, 'artifacts', 'browser');

/** A fresh temporary folder; removed by the returned cleanup function. */
export async function tempDir(name) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `oogst-${name}-`));
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Run the oogst binary; resolves with {stdout, stderr}, rejects with both in the message. */
export function oogst(args, { cwd = REPO, timeout = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(OOGST, args, { cwd, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        err.message = `oogst ${args.join(' ')} failed (${err.code ?? err.signal}):\n${stderr}${stdout}`;
        reject(err);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** Build the site in `root` into `out` for `baseUrl`. */
export async function buildSite({ root, out, baseUrl }) {
  return oogst(['build', '--root', root, '--out', out, '--base-url', baseUrl]);
}

/** Every file below `dir` (relative paths with forward slashes), sorted. */
export async function listFiles(dir) {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
    .sort();
}

/** The URL a built file is published at: `a/index.html` → `<base>a/`. */
export function urlOfFile(rel, base) {
  if (rel === 'index.html') return base;
  if (rel.endsWith('/index.html')) return base + rel.slice(0, -'index.html'.length);
  return base + rel;
}

/** Copy a site's sources (site.yaml, content/, and static/ or templates/ if there are any). */
export async function copySiteSources(from, to) {
  await fs.mkdir(to, { recursive: true });
  await fs.copyFile(path.join(from, 'site.yaml'), path.join(to, 'site.yaml'));
  await fs.cp(path.join(from, 'content'), path.join(to, 'content'), { recursive: true });
}

/** Map with at most `limit` calls of `fn` in flight; `fn(item, worker)` gets a worker index. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async (_, worker) => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], worker);
    }
  });
  await Promise.all(workers);
  return results;
}
