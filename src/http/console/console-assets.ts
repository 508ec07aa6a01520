import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Route } from '../admin-server.js';
import { sendText } from '../http-response.js';

/** Where the console's build lands (`vite build`), beside the compiled server: `dist/console/`. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../console/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Paths that belong to the API, never to the console. */
const API_PREFIXES = ['/v1/', '/v3/', '/metrics', '/consumers'];

/**
 * The web console: its built files, and `index.html` for any other page a browser asks for
 * (`/topics/orders`), so every page has a URL that can be shared and reloaded. A browser is told
 * apart from a REST client by asking for HTML; `/topics` is also REST Proxy's v2 path.
 */
export function consoleRoute(root: string = CONSOLE_DIR): Route {
  const base = path.resolve(root);
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (API_PREFIXES.some((p) => request.path.startsWith(p))) return false;
    const file = assetPath(base, request.path);
    if (file) {
      serveFile(file, request.method, response);
      return true;
    }
    const wantsHtml = String(request.headers.accept ?? '').includes('text/html');
    if (!wantsHtml && request.path !== '/') return false;
    const index = path.join(base, 'index.html');
    if (!existsSync(index)) {
      sendText(
        response,
        503,
        'The console is not built: run `npm run build:console`.\n',
        'text/plain; charset=utf-8',
      );
      return true;
    }
    serveFile(index, request.method, response);
    return true;
  };
}

/** The file under `base` a URL path names, or null; nothing outside `base` is ever served. */
function assetPath(base: string, urlPath: string): string | null {
  if (urlPath === '/' || urlPath.includes('\0')) return null;
  const resolved = path.resolve(base, `.${path.posix.normalize(urlPath)}`);
  if (!resolved.startsWith(base + path.sep)) return null;
  try {
    return statSync(resolved).isFile() ? resolved : null;
  } catch {
    return null;
  }
}

function serveFile(file: string, method: string, response: import('node:http').ServerResponse): void {
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  // Built assets carry a content hash in their names and never change; index.html always may.
  const immutable = file.includes(`${path.sep}assets${path.sep}`);
  response.writeHead(200, {
    'content-type': type,
    'content-length': statSync(file).size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}
