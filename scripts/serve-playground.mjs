// `npm run playground`: builds the playground and serves it on http://127.0.0.1:8321 (or PORT) — its own files only.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'playground-dist');
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.csv': 'text/csv; charset=utf-8', '.wasm': 'application/wasm' };
const port = Number(process.env.PORT ?? 8321);
createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^([/\\])+/, '');
  const file = join(root, path || 'index.html');
  if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}).listen(port, '127.0.0.1', () => console.log(`playground: http://127.0.0.1:${port}/`));
