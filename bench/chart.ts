/**
 * The chart a bench run draws beside its results: for each scenario, req/s and CPU µs per request of
 * ours against each peer (grouped horizontal bars), and a history panel of the ratio ours / oidc-provider
 * over the last runs found in bench/results. Hand-written SVG, no dependency.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChartResult {
  name: string;
  target: string;
  requestsPerSec: number;
  cpuUsPerRequest: number | null;
}

export interface ChartRun {
  started: string;
  results: ChartResult[];
  /** Paired rounds against oidc-provider: their median is preferred to the single run's ratio. */
  paired?: { name: string; ratios: number[] }[];
}

const WIDTH = 900;
const LABEL_WIDTH = 260;
const BAR_HEIGHT = 14;
const GROUP_GAP = 10;
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Rounds of paired or baseline comparisons are drawn by their summary, not bar by bar. */
const isRound = (r: ChartResult) => /round \d+\)$/.test(r.name);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * ours / peer req/s per scenario of one run, keyed by scenario (against oidc-provider in memory, with
 * the paired median where there is one) or by `scenario vs peer` for the other oidc-provider set-ups.
 */
export function peerRatios(run: ChartRun): Map<string, number> {
  const out = new Map<string, number>();
  for (const mine of run.results.filter((r) => r.target === 'ours' && !isRound(r))) {
    for (const theirs of run.results.filter((r) => r.target.startsWith('oidc-provider') && r.name === mine.name && r.requestsPerSec > 0)) {
      out.set(theirs.target === 'oidc-provider' ? mine.name : `${mine.name} vs ${theirs.target}`, mine.requestsPerSec / theirs.requestsPerSec);
    }
  }
  for (const p of run.paired ?? []) if (p.ratios.length > 0) out.set(p.name, median(p.ratios));
  return out;
}

/** One panel of grouped bars: a group per scenario, a bar per target that measured it. */
function barPanel(
  title: string,
  unit: string,
  groups: [string, ChartResult[]][],
  targets: string[],
  value: (r: ChartResult) => number | null,
  top: number,
): { svg: string[]; height: number } {
  const max = Math.max(1, ...groups.flatMap(([, rs]) => rs.map((r) => value(r) ?? 0)));
  const scale = (WIDTH - LABEL_WIDTH - 80) / max;
  const svg = [`<text x="10" y="${top + 16}" class="title">${escape(title)}</text>`];
  let y = top + 28;
  for (const [name, rs] of groups) {
    const groupTop = y;
    for (const r of rs) {
      const v = value(r);
      const colour = COLOURS[targets.indexOf(r.target) % COLOURS.length];
      const w = v === null ? 0 : Math.max(1, Math.round(v * scale));
      svg.push(
        `<rect class="bar" data-scenario="${escape(name)}" data-target="${escape(r.target)}" x="${LABEL_WIDTH}" y="${y}" width="${w}" height="${BAR_HEIGHT - 2}" fill="${colour}"/>`,
        `<text x="${LABEL_WIDTH + w + 4}" y="${y + BAR_HEIGHT - 4}" class="value">${v === null ? 'n/a' : `${v} ${unit}`}</text>`,
      );
      y += BAR_HEIGHT;
    }
    svg.push(`<text x="${LABEL_WIDTH - 6}" y="${(groupTop + y) / 2 + 4}" class="label" text-anchor="end">${escape(name)}</text>`);
    y += GROUP_GAP;
  }
  return { svg, height: y - top };
}

/** The history panel: one line per scenario, ratio ours / oidc-provider over the runs given (oldest first). */
function historyPanel(runs: ChartRun[], top: number): { svg: string[]; height: number } {
  const series = new Map<string, (number | null)[]>();
  const ratios = runs.map(peerRatios);
  ratios.forEach((m) => m.forEach((_, name) => series.set(name, [])));
  for (const [name, points] of series) for (const m of ratios) points.push(m.get(name) ?? null);
  const height = 220;
  const svg = [`<text x="10" y="${top + 16}" class="title">History: req/s ours / peer, last ${runs.length} runs (paired median where measured)</text>`];
  if (series.size === 0) {
    svg.push(`<text x="10" y="${top + 40}" class="label">no run with a peer yet</text>`);
    return { svg, height: 60 };
  }
  const plotLeft = 60;
  const plotWidth = WIDTH - plotLeft - 340;
  const plotTop = top + 30;
  const plotHeight = height - 60;
  const maxRatio = Math.max(1.5, ...[...series.values()].flat().map((v) => v ?? 0));
  const x = (i: number) => plotLeft + (runs.length === 1 ? plotWidth / 2 : (i * plotWidth) / (runs.length - 1));
  const y = (v: number) => plotTop + plotHeight - (v / maxRatio) * plotHeight;
  svg.push(
    `<line x1="${plotLeft}" y1="${plotTop + plotHeight}" x2="${plotLeft + plotWidth}" y2="${plotTop + plotHeight}" stroke="#999"/>`,
    `<line x1="${plotLeft}" y1="${y(1)}" x2="${plotLeft + plotWidth}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${plotLeft - 6}" y="${y(1) + 4}" class="value" text-anchor="end">1.0</text>`,
    `<text x="${plotLeft - 6}" y="${y(maxRatio) + 4}" class="value" text-anchor="end">${maxRatio.toFixed(1)}</text>`,
  );
  runs.forEach((run, i) => {
    svg.push(
      `<text x="${x(i)}" y="${plotTop + plotHeight + 14}" class="value" text-anchor="middle">${escape(run.started.slice(5, 16).replace('T', ' '))}</text>`,
    );
  });
  let legendY = plotTop;
  [...series.entries()].forEach(([name, points], k) => {
    const colour = COLOURS[k % COLOURS.length];
    const drawn = points.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter((p): p is string => p !== null);
    svg.push(`<polyline class="history" data-scenario="${escape(name)}" points="${drawn.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of drawn) svg.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${colour}"/>`);
    const last = [...points].reverse().find((v) => v !== null);
    svg.push(
      `<rect x="${plotLeft + plotWidth + 20}" y="${legendY}" width="10" height="10" fill="${colour}"/>`,
      `<text x="${plotLeft + plotWidth + 36}" y="${legendY + 9}" class="value">${escape(name)}${last != null ? ` (${last.toFixed(2)})` : ''}</text>`,
    );
    legendY += 16;
  });
  return { svg, height };
}

/** The whole chart of `run`; `history` are earlier runs, oldest first (the run itself is appended). */
export function renderChart(run: ChartRun, history: ChartRun[] = []): string {
  const shown = run.results.filter((r) => !isRound(r));
  const targets = [...new Set(shown.map((r) => r.target))];
  const groups = new Map<string, ChartResult[]>();
  for (const r of shown) groups.set(r.name, [...(groups.get(r.name) ?? []), r]);
  const grouped = [...groups.entries()];
  const legend = targets.map(
    (t, i) =>
      `<rect x="${10 + i * 160}" y="34" width="10" height="10" fill="${COLOURS[i % COLOURS.length]}"/><text x="${26 + i * 160}" y="43" class="value">${escape(t)}</text>`,
  );
  let top = 56;
  const rate = barPanel('Requests per second (higher is better)', 'req/s', grouped, targets, (r) => r.requestsPerSec, top);
  top += rate.height + 10;
  const cpu = barPanel('Server CPU µs per request (lower is better)', 'µs', grouped, targets, (r) => r.cpuUsPerRequest, top);
  top += cpu.height + 10;
  const past = historyPanel([...history, run], top);
  top += past.height;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top}" viewBox="0 0 ${WIDTH} ${top}" font-family="sans-serif">`,
    '<style>.title{font-size:14px;font-weight:bold}.label{font-size:12px}.value{font-size:11px;fill:#333}</style>',
    `<rect width="${WIDTH}" height="${top}" fill="#fff"/>`,
    `<text x="10" y="20" class="title">Benchmark ${escape(run.started)}</text>`,
    ...legend,
    ...rate.svg,
    ...cpu.svg,
    ...past.svg,
    '</svg>',
    '',
  ].join('\n');
}

/** The last `limit` runs written in `dir` (their JSON), oldest first; unreadable files are skipped. */
export function loadHistory(dir: string, limit: number, exclude?: string): ChartRun[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== exclude);
  } catch {
    return [];
  }
  const runs: ChartRun[] = [];
  for (const f of files.sort()) {
    try {
      const run = JSON.parse(readFileSync(join(dir, f), 'utf8')) as ChartRun;
      if (Array.isArray(run.results) && typeof run.started === 'string') runs.push(run);
    } catch {
      // not a run's results
    }
  }
  return runs.slice(-limit);
}

/**
 * Throws unless every measured result has its bar in both panels: the smoke run checks the chart it
 * writes, so the drawing cannot rot unnoticed (no jest project covers bench/).
 */
export function assertChartShows(svg: string, run: ChartRun): void {
  for (const r of run.results.filter((x) => !isRound(x))) {
    const bar = `class="bar" data-scenario="${escape(r.name)}" data-target="${escape(r.target)}"`;
    const count = svg.split(bar).length - 1;
    if (count !== 2) throw new Error(`chart: ${count} bars for ${r.target}/${r.name}, expected 2 (req/s and CPU)`);
    if (!svg.includes(`>${escape(r.name)}</text>`)) throw new Error(`chart: no label for ${r.name}`);
  }
  for (const name of peerRatios(run).keys()) {
    if (!svg.includes(`class="history" data-scenario="${escape(name)}"`)) throw new Error(`chart: no history line for ${name}`);
  }
}
