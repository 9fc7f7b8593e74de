import { load } from 'js-yaml';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { MetricsService } from '../../src/metrics/metrics.service';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser } from '../support/factories';
import { freePort } from '../support/free-port';
import { promqlReferences } from '../support/promql';
import { REDIS_URL, skipWithoutRedis } from '../support/redis';

const DEPLOY = join(__dirname, '..', '..', 'deploy');
/** Labels Prometheus adds to every series it scrapes, and the series it makes itself. */
const TARGET_LABELS = new Set(['instance', 'job']);
const PROMETHEUS_SERIES = new Set(['up']);
/** Labels whose values come from requests (route patterns, statuses): any value may appear later. */
const OPEN_LABELS = new Set(['route', 'status', 'le']);
/** The pool gauges exist only with a pooled database (MySQL, PostgreSQL), not with SQLite. */
const POOL_METRICS = new Set(['oauth_db_pool_connections', 'oauth_db_pool_waiting']);

interface Rule {
  alert: string;
  expr: string;
}
interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

function expressions(): { where: string; expr: string }[] {
  const rules = load(readFileSync(join(DEPLOY, 'prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] };
  const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'oauth-server.json'), 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; definition: string }[] };
  };
  return [
    ...rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }))),
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel ${panel.title}`, expr: target.expr }))),
    // label_values(metric, label): the metric and its label.
    ...dashboard.templating.list.map((variable) => {
      const [, metric, label] = /^label_values\((\w+),\s*(\w+)\)$/.exec(variable.definition)!;
      return { where: `variable ${variable.name}`, expr: `sum by (${label}) (${metric})` };
    }),
  ];
}

/** Families on /metrics (from # TYPE) with the label names and values their samples carry. */
function exposition(text: string): Map<string, Map<string, Set<string>>> {
  const families = new Map<string, Map<string, Set<string>>>();
  const types = new Map<string, string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    types.set(name, type);
    families.set(name, new Map());
  }
  for (const [, series, labels] of text.matchAll(/^([A-Za-z_:][\w:]*)(?:\{([^}]*)\})? \S+$/gm)) {
    const family = families.has(series) ? series : series.replace(/_(bucket|sum|count)$/, '');
    const found = families.get(family);
    if (!found) continue;
    for (const [, label, value] of (labels ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (!found.has(label)) found.set(label, new Set());
      found.get(label)!.add(value);
    }
  }
  // A histogram is read through its series: name_bucket (with le), name_count, name_sum.
  for (const [name, type] of types) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) families.set(name + suffix, families.get(name)!);
  }
  return families;
}

describe(`deploy/: the Grafana dashboard and the Prometheus alerts read metrics the server exposes [${TEST_DB}]`, () => {
  let t: TestApp | undefined;
  let families: Map<string, Map<string, Set<string>>>;
  let declaredLabels: (family: string) => string[];

  beforeAll(async () => {
    if (await skipWithoutRedis()) return;
    const port = await freePort();
    t = await createTestApp({
      env: { MANAGEMENT_PORT: String(port), REDIS_URL, REDIS_PREFIX: `test:${randomUUID()}:`, LOGIN_MAX_FAILURES: '1' },
    });
    const client = await createClient(t);
    const user = await createUser(t);
    const token = (body: Record<string, string>) => request(t!.url).post('/oauth2/token').set('Authorization', client.basic).type('form').send(body);
    // Traffic that gives the labeled metrics their samples: tokens, errors, sign-ins and a lockout.
    expect((await token({ grant_type: 'client_credentials' })).status).toBe(200);
    expect((await token({ grant_type: 'password', username: user.username, password: user.password })).status).toBe(200);
    for (let i = 0; i < 3; i++) await token({ grant_type: 'password', username: user.username, password: 'wrong password' });
    families = exposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    // A labeled counter nothing has counted yet has no sample: its label names are the declared ones.
    const registry = t.app.get(MetricsService).registry;
    declaredLabels = (family) => (registry.getSingleMetric(family) as unknown as { labelNames?: string[] } | undefined)?.labelNames ?? [];
  });
  afterAll(async () => t?.close());

  const all = expressions();

  it('reads the files: alert rules with expressions, a dashboard with panels and an instance variable', () => {
    expect(all.filter((e) => e.where.startsWith('alert')).length).toBeGreaterThanOrEqual(10);
    expect(all.filter((e) => e.where.startsWith('panel')).length).toBeGreaterThanOrEqual(15);
    for (const { expr } of all) expect(promqlReferences(expr).metrics.size).toBeGreaterThan(0);
  });

  it.each(all.map((e) => [e.where, e.expr]))('%s: every metric, label and label value exists on /metrics', (_where, expr) => {
    if (!t) return;
    const refs = promqlReferences(expr);
    const missing: string[] = [];
    const known = (metric: string) => families.has(metric) || PROMETHEUS_SERIES.has(metric) || (TEST_DB === 'sqlite' && POOL_METRICS.has(metric));
    const labelsOf = (metric: string) => new Set([...(families.get(metric)?.keys() ?? []), ...declaredLabels(metric.replace(/_(bucket|sum|count)$/, ''))]);
    for (const metric of refs.metrics) if (!known(metric)) missing.push(`metric ${metric}`);
    for (const { metric, label, value } of refs.matchers) {
      if (TARGET_LABELS.has(label) || !families.has(metric)) continue;
      if (!labelsOf(metric).has(label)) missing.push(`label ${label} of ${metric}`);
      const seen = families.get(metric)!.get(label);
      // A value is checked where the label has samples and a closed set of values.
      if (value !== undefined && seen && !OPEN_LABELS.has(label) && !seen.has(value)) missing.push(`value ${label}="${value}" of ${metric}`);
    }
    const present = [...refs.metrics].filter((metric) => families.has(metric));
    for (const label of refs.grouping) {
      if (TARGET_LABELS.has(label) || present.length === 0) continue;
      if (!present.some((metric) => labelsOf(metric).has(label))) missing.push(`grouping label ${label}`);
    }
    expect(missing).toEqual([]);
  });

  it('catches a metric or label that does not exist', () => {
    if (!t) return;
    expect(families.has('oauth_tokens_issued_total')).toBe(true);
    expect(families.has('oauth_token_issued_total')).toBe(false);
    expect(families.get('oauth_dependency_up')?.get('dependency')).toEqual(new Set(['database', 'redis']));
    expect(promqlReferences('sum by (grant) (rate(oauth_tokens_issued_total{grant_type="password"}[$__rate_interval])) > bool 0')).toEqual({
      metrics: new Set(['oauth_tokens_issued_total']),
      matchers: [{ metric: 'oauth_tokens_issued_total', label: 'grant_type', value: 'password' }],
      grouping: new Set(['grant']),
    });
  });
});
