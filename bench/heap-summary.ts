import { readFileSync } from 'node:fs';

/** What a V8 heap snapshot holds, grouped: count and self size per constructor (or node type). */
type HeapGroups = Map<string, { count: number; bytes: number }>;

/**
 * Groups the nodes of a V8 heap snapshot (`--heapsnapshot-signal`, the DevTools format) by what
 * DevTools' summary view calls the constructor: an object's class name, else its node type
 * (strings, closures, arrays, code). The machine has no DevTools; this is its summary, in text.
 */
function groups(file: string): { groups: HeapGroups; total: number } {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const result: HeapGroups = new Map();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]];
    const key = type === 'object' || type === 'native' ? snapshot.strings[snapshot.nodes[i + nameAt]] : `(${type})`;
    const bytes = snapshot.nodes[i + sizeAt];
    const group = result.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += bytes;
    result.set(key, group);
    total += bytes;
  }
  return { groups: result, total };
}

/** The groups that grew most between two heap snapshots of one process, as lines to print. */
export function heapGrowth(before: string, after: string, top = 15): string[] {
  const a = groups(before);
  const b = groups(after);
  const mb = (bytes: number) => (bytes / 1048576).toFixed(2);
  const rows = [...b.groups].map(([key, g]) => {
    const old = a.groups.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: g.count - old.count, bytes: g.bytes - old.bytes, now: g.bytes };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  return [
    `heap ${mb(a.total)} MB → ${mb(b.total)} MB (self sizes of all nodes)`,
    ...rows
      .slice(0, top)
      .map((r) => `  ${r.bytes >= 0 ? '+' : ''}${mb(r.bytes)} MB, ${r.count >= 0 ? '+' : ''}${r.count} objects: ${r.key.slice(0, 80)} (now ${mb(r.now)} MB)`),
  ];
}
