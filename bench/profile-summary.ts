import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Where a frame's code lives: an npm package, our source file, Node itself, or V8 (GC, idle, native). */
function owner(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node core';
  const ours = /\/dist\/(src\/.*)$/.exec(url);
  return ours ? ours[1] : url;
}

/**
 * Summarises the V8 CPU profiles (`node --cpu-prof`) in `dir` by self time: per owner (package,
 * source file, GC, idle) and per function. With `lastSeconds`, only the samples of that final
 * window count (the measured scenario, not start-up and fixtures). Returns the lines to print.
 */
export function summariseProfiles(dir: string, top = 25, lastSeconds?: number): string[] {
  const lines: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: ProfileNode[];
      samples: number[];
      timeDeltas: number[];
      startTime: number;
      endTime: number;
    };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const hits = new Map<number, number>();
    const from = lastSeconds === undefined ? -Infinity : profile.endTime - lastSeconds * 1e6;
    let at = profile.startTime;
    let total = 0;
    profile.samples.forEach((id, i) => {
      at += profile.timeDeltas[i];
      if (at < from) return;
      hits.set(id, (hits.get(id) ?? 0) + 1);
      total++;
    });
    const byOwner = new Map<string, number>();
    const byFunction = new Map<string, number>();
    for (const [id, count] of hits) {
      const { callFrame } = byId.get(id)!;
      const who = owner(callFrame.url, callFrame.functionName);
      byOwner.set(who, (byOwner.get(who) ?? 0) + count);
      const fn = `${callFrame.functionName || '(anonymous)'} ${who}:${callFrame.lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + count);
    }
    const pct = (n: number) => `${((n / total) * 100).toFixed(1).padStart(5)} %`;
    const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
    const window = lastSeconds === undefined ? (profile.endTime - profile.startTime) / 1e6 : lastSeconds;
    lines.push(`profile ${file}: ${total} samples over the last ${window.toFixed(1)} s`, '', 'self time by owner:');
    for (const [who, n] of sorted(byOwner)) lines.push(`  ${pct(n)}  ${who}`);
    lines.push('', 'self time by function:');
    for (const [fn, n] of sorted(byFunction)) lines.push(`  ${pct(n)}  ${fn}`);
  }
  return lines;
}
