import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every TypeScript source under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The relative imports of a file (static, re-exports, type-only and dynamic), as absolute paths without extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((match) =>
    resolve(dirname(file), match[1] as string).replace(/\.(js|ts|tsx)$/, ''),
  );
}

/**
 * The folder graph at every level: for an import from `a/b/x.ts` to `a/c/d/y.ts`, the edge
 * b/ -> c/ inside `a` (the nearest folder holding both). A file lying loose in a folder is a node
 * of its own (`a/index.ts` re-exporting `a/b/` whose files import `a/errors.ts` is no cycle), so
 * a loose file cannot carry a cycle between folders past the test either.
 */
function folderGraphs(): Map<string, Map<string, Map<string, string>>> {
  const graphs = new Map<string, Map<string, Map<string, string>>>();
  for (const file of sources(SRC)) {
    for (const target of importsOf(file)) {
      const from = relative(SRC, file).split(sep);
      const to = relative(SRC, target).split(sep);
      if (to[0] === '..') continue;
      let depth = 0;
      while (depth < from.length - 1 && depth < to.length - 1 && from[depth] === to[depth]) depth += 1;
      const node = (parts: string[]) => (depth < parts.length - 1 ? `${parts[depth]}/` : (parts[depth] as string));
      const fromNode = node(from);
      const toNode = node(to);
      if (fromNode === toNode) continue;
      const level = ['src', ...from.slice(0, depth)].join('/');
      const graph = graphs.get(level) ?? new Map<string, Map<string, string>>();
      graphs.set(level, graph);
      const edges = graph.get(fromNode) ?? new Map<string, string>();
      graph.set(fromNode, edges);
      // One example import per edge, for the failure message.
      if (!edges.has(toNode)) edges.set(toNode, `${relative(SRC, file)} imports ${relative(SRC, target)}`);
    }
  }
  return graphs;
}

/** The strongly connected groups of `graph` (Tarjan) that hold more than one node and at least one folder. */
function folderCycles(graph: Map<string, Map<string, string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 && group.some((name) => name.endsWith('/'))) groups.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return groups;
}

describe('folders form layers', () => {
  const graphs = folderGraphs();

  it('reads the import graph of src (sanity: it sees the layers it checks)', () => {
    expect(graphs.get('src')?.get('cli/')?.has('core/')).toBe(true);
    expect(graphs.get('src/server')?.size).toBeGreaterThan(2);
  });

  it('config knows nothing of the server, and flag types live in src/cli (no other folder imports cli)', () => {
    const src = graphs.get('src') as Map<string, Map<string, string>>;
    expect(src.get('config/')?.get('server/')).toBeUndefined();
    const intoCli = [...src].filter(([, edges]) => edges.has('cli/')).map(([, edges]) => edges.get('cli/'));
    expect(intoCli).toEqual([]);
  });

  it.each([...graphs.keys()].sort())('no two folders of %s import each other, directly or round a cycle', (level) => {
    const graph = graphs.get(level) as Map<string, Map<string, string>>;
    // Each cycle, with the imports that close it, so the message says which line to move.
    const cycles = folderCycles(graph).map((group) =>
      group.flatMap((from) => group.filter((to) => graph.get(from)?.has(to)).map((to) => `${from} -> ${to}: ${graph.get(from)?.get(to)}`)),
    );
    expect(cycles).toEqual([]);
  });
});
