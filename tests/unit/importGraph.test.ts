import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Every relative import of the product's own source (type-only imports too), as read by TypeScript itself. */
function importGraph(root: string, folders: string[]): Map<string, string[]> {
  const files = folders.flatMap((folder) =>
    (fs.readdirSync(path.join(root, folder), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(folder, f)),
  );
  const known = new Set(files);
  const resolve = (from: string, spec: string) => {
    const base = path.normalize(path.join(path.dirname(from), spec));
    return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => known.has(candidate));
  };
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, true);
      return [
        file,
        importedFiles.map((i) => (i.fileName.startsWith('.') ? resolve(file, i.fileName) : undefined)).filter((t): t is string => !!t),
      ];
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

/**
 * The folder a file belongs to, for the folder-level graph: `api/<feature>`, or its top-level folder. api/server.ts is
 * the wiring; api/dependencies.ts and api/adminContext.ts are what the wiring hands every feature (types only, which
 * eslint.config.mjs holds them to), so they are left out rather than made a hub through which every feature would
 * seem to import every other. workflows/messages.ts is the workflows' contract with their callers (the api, and the
 * activity that signals them), apart from the workflow code, which sees the activities only as types.
 */
function folderOf(file: string): string | undefined {
  const parts = file.split(path.sep);
  if (file === path.join('api', 'dependencies.ts') || file === path.join('api', 'adminContext.ts')) return undefined;
  if (parts[0] === 'api') return parts.length > 2 ? `api/${parts[1]}` : 'api/server.ts';
  if (file === path.join('workflows', 'messages.ts')) return 'workflows/messages.ts';
  return parts[0];
}

/** Each folder-level cycle, as the chain of its arrows, each arrow with one import that makes it. */
function folderCycles(graph: Map<string, string[]>, folder: (file: string) => string | undefined): string[] {
  const arrows = new Map<string, Map<string, string>>();
  for (const [from, targets] of graph) {
    const a = folder(from);
    for (const to of targets) {
      const b = folder(to);
      if (!a || !b || a === b) continue;
      if (!arrows.has(a)) arrows.set(a, new Map());
      if (!arrows.get(a)!.has(b)) arrows.get(a)!.set(b, `${from} imports ${to}`);
    }
  }
  const folders = new Map([...arrows].map(([a, to]) => [a, [...to.keys()]]));
  return cycles(folders).map((component) => {
    // One walk around the cycle, from its first folder through folders of the component back to it.
    const inside = new Set(component);
    const start = component[0]!;
    const pathTo = (from: string, goal: string): string[] => {
      const seen = new Map<string, string>([[from, '']]);
      const queue = [from];
      while (queue.length) {
        const at = queue.shift()!;
        for (const next of folders.get(at) ?? []) {
          if (!inside.has(next)) continue;
          if (next === goal) {
            const walk = [at];
            while (seen.get(walk[0]!)) walk.unshift(seen.get(walk[0]!)!);
            return [...walk, goal];
          }
          if (!seen.has(next)) {
            seen.set(next, at);
            queue.push(next);
          }
        }
      }
      return [from, goal];
    };
    const walk = pathTo(start, start);
    return walk
      .slice(1)
      .map((to, i) => `${walk[i]} -> ${to} (${arrows.get(walk[i]!)!.get(to)})`)
      .join('; ');
  });
}

describe('import graph', () => {
  const graph = importGraph(process.cwd(), [
    'domain',
    'config',
    'entities',
    'platform',
    'dev',
    'workflows',
    'activities',
    'api',
    'demo',
    'bin',
  ]);

  it('has no cycles, type-only imports included', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    expect(
      cycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['c.ts']],
          ['c.ts', ['a.ts']],
          ['d.ts', ['a.ts']],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('has no cycles between folders: api features, activities, workflows, platform, entities, domain, dev', () => {
    const found = new Set([...graph.keys()].map(folderOf));
    for (const folder of [
      'api/recommendations',
      'api/evidence',
      'api/tasks',
      'activities',
      'workflows',
      'platform',
      'entities',
      'domain',
      'dev',
    ])
      expect(found).toContain(folder);
    expect(folderCycles(graph, folderOf)).toEqual([]);
  });

  it('names the arrows of a cycle between folders, each with an import that makes it', () => {
    const files = new Map([
      [path.join('api', 'shell', 'pageShell.ts'), [path.join('api', 'tasks', 'queries.ts')]],
      [path.join('api', 'tasks', 'queries.ts'), [path.join('api', 'recommendations', 'service.ts')]],
      [path.join('api', 'recommendations', 'pages.ts'), [path.join('api', 'shell', 'pageShell.ts'), path.join('api', 'dependencies.ts')]],
      [path.join('api', 'dependencies.ts'), [path.join('api', 'tasks', 'queries.ts')]],
    ]);
    expect(folderCycles(files, folderOf)).toEqual([
      [
        `api/recommendations -> api/shell (${path.join('api', 'recommendations', 'pages.ts')} imports ${path.join('api', 'shell', 'pageShell.ts')})`,
        `api/shell -> api/tasks (${path.join('api', 'shell', 'pageShell.ts')} imports ${path.join('api', 'tasks', 'queries.ts')})`,
        `api/tasks -> api/recommendations (${path.join('api', 'tasks', 'queries.ts')} imports ${path.join('api', 'recommendations', 'service.ts')})`,
      ].join('; '),
    ]);
  });
});
