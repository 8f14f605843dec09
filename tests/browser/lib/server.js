// A tiny static file server for a built site, published under a sub-path
// (`/oogst/` by default) the way a project site is hosted on GitHub Pages.
// Unknown paths get a 404.html with status 404: that of the nearest folder that has one
// (`en/404.html` for a missing page under `/oogst/en/`), else the site's, as hosts that
// serve a folder's own 404 page do.
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.woff2': 'font/woff2',
};

/**
 * Start listening on 127.0.0.1 with a random free port. The folder can be filled
 * after the server starts (build with the base URL that names the port).
 * @returns {{port:number, origin:string, base:string, close:() => Promise<void>, setRoot:(dir:string)=>void}}
 */
export async function startStaticServer({ root = null, prefix = '/oogst/' } = {}) {
  let siteRoot = root;
  const server = http.createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err && err.stack));
    }
  });

  async function send(res, status, file, method) {
    const body = await fs.readFile(file);
    res.writeHead(status, {
      'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-store',
    });
    res.end(method === 'HEAD' ? undefined : body);
  }

  /** The 404 page for the site-relative path `rel`: the nearest folder's `404.html`. */
  async function notFound(res, method, rel = '') {
    const folders = rel.split('/').slice(0, -1);
    for (let n = folders.length; siteRoot && n >= 0; n--) {
      const page = path.join(siteRoot, ...folders.slice(0, n), '404.html');
      try {
        return await send(res, 404, page, method);
      } catch {
        // No 404 page in this folder: try its parent.
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  async function handle(req, res) {
    const method = req.method || 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      return res.end();
    }
    const url = new URL(req.url, 'http://localhost');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return notFound(res, method);
    }
    if (pathname === prefix.slice(0, -1)) {
      res.writeHead(301, { location: prefix });
      return res.end();
    }
    if (!siteRoot || !pathname.startsWith(prefix) || pathname.includes('\0')) {
      return notFound(res, method);
    }
    const rel = path.posix.normalize('/' + pathname.slice(prefix.length)).slice(1);
    const file = path.resolve(siteRoot, rel);
    if (file !== siteRoot && !file.startsWith(siteRoot + path.sep)) return notFound(res, method);
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      return notFound(res, method, rel);
    }
    if (stat.isDirectory()) {
      if (!pathname.endsWith('/')) {
        res.writeHead(301, { location: url.pathname + '/' + url.search });
        return res.end();
      }
      try {
        return await send(res, 200, path.join(file, 'index.html'), method);
      } catch {
        return notFound(res, method, rel);
      }
    }
    return send(res, 200, file, method);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.keepAliveTimeout = 1000;
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    base: `${origin}${prefix}`,
    setRoot(dir) {
      siteRoot = path.resolve(dir);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
