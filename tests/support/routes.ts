import type { Express } from 'express';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string | string[];
}

const join = (prefix: string, path: string) => `${prefix}${path === '/' ? '' : path}` || '/';

/**
 * Every route an express app serves, as "METHOD /path" in express syntax, found by walking its router stack (so a
 * route added anywhere, by any means, is listed). Sub-routers mounted under `opaquePrefixes` count as one entry each.
 */
export function listRoutes(app: Express, opaquePrefixes: string[] = []): string[] {
  const found = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths)
          for (const method of Object.keys(layer.route.methods)) found.add(`${method.toUpperCase()} ${join(prefix, path)}`);
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
        const here = join(prefix, mount);
        if (opaquePrefixes.includes(here)) found.add(`ALL ${here}/*`);
        else walk(layer.handle.stack, here === '/' ? '' : here);
      }
    }
  };
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  walk(router.stack, '');
  return [...found].sort();
}
