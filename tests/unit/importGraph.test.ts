import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Every relative import of the product's own source (type-only imports too), as read by TypeScript itself. */
function importGraph(root: string, folders: string[]): Map<string, string[]> {
  const files = folders.flatMap((folder) => (fs.readdirSync(path.join(root, folder), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(folder, f)));
  const known = new Set(files);
  const resolve = (from: string, spec: string) => {
    const base = path.normalize(path.join(path.dirname(from), spec));
    return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => known.has(candidate));
  };
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, true);
      return [file, importedFiles.map((i) => (i.fileName.startsWith('.') ? resolve(file, i.fileName) : undefined)).filter((t): t is string => !!t)];
    }),
  );
}

/** Strongly connected components with more than one file (Tarjan), each one an import cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import graph', () => {
  const graph = importGraph(process.cwd(), ['domain', 'config', 'entities', 'platform', 'dev', 'workflows', 'activities', 'api', 'demo', 'bin']);

  it('has no cycles, type-only imports included', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
