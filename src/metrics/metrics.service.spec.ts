import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  const names = (metrics: MetricsService) => metrics.registry.getMetricsAsArray().map((m) => m.name);

  it('collects the process metrics in a server with a management port', () => {
    expect(names(new MetricsService(9464, 'server'))).toContain('process_cpu_user_seconds_total');
  });

  it('collects no process metrics in a server without a management port', () => {
    expect(names(new MetricsService(0, 'server'))).not.toContain('process_cpu_user_seconds_total');
  });

  it('collects no process metrics in an operator command, though MANAGEMENT_PORT is set', () => {
    expect(names(new MetricsService(9464, 'command'))).not.toContain('process_cpu_user_seconds_total');
  });

  it('sets a gauge when the registry is scraped, not before', async () => {
    const metrics = new MetricsService(9464, 'server');
    let scrapes = 0;
    metrics.gauge('test_scrapes', 'Scrapes seen', ['kind'], (gauge) => gauge.set({ kind: 'all' }, ++scrapes));
    expect(scrapes).toBe(0);
    expect(await metrics.registry.metrics()).toContain('test_scrapes{kind="all"} 1');
  });
});
