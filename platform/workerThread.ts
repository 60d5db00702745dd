import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running a module of this project. Built, the module is JavaScript and starts as it is. Run
 * from source (ts-jest), it is TypeScript: the thread then compiles each .ts file it loads with the TypeScript
 * compiler (one file at a time, as ts-jest does with isolatedModules), so tests run the same code as production.
 * Compiled files are kept (node_modules/.cache) by the hash of their source, so only the first thread pays for the compiler.
 */
export function startWorker(file: string, options: WorkerOptions = {}): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, options);
  const loader = `
    const fs = require('node:fs');
    const path = require('node:path');
    const { createHash } = require('node:crypto');
    const cacheDir = ${JSON.stringify(path.join(path.dirname(require.resolve('typescript/package.json')), '..', '.cache', 'rt-worker-ts'))};
    let ts;
    require.extensions['.ts'] = (module, filename) => {
      const source = fs.readFileSync(filename, 'utf8');
      const cached = path.join(cacheDir, createHash('sha256').update(filename).update('\\0').update(source).digest('hex') + '.js');
      let code;
      try {
        code = fs.readFileSync(cached, 'utf8');
      } catch {
        ts ??= require('node:module').createRequire(filename)('typescript');
        code = ts.transpileModule(source, {
          fileName: filename,
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
        }).outputText;
        fs.mkdirSync(cacheDir, { recursive: true });
        const partial = cached + '.' + process.pid + '.' + require('node:worker_threads').threadId;
        fs.writeFileSync(partial, code);
        fs.renameSync(partial, cached);
      }
      module._compile(code, filename);
    };
    require(${JSON.stringify(file)});
  `;
  return new Worker(loader, { ...options, eval: true });
}

/** The path of a module beside the caller, with the caller's own extension (.ts from source, .js built). */
export function besideThisModule(callerFilename: string, name: string): string {
  return callerFilename.replace(/[^/\\]+\.(ts|js)$/, `${name}.$1`);
}
