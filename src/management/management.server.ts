import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { listenOn } from '../common/http/listen';
import { type AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { HealthService } from '../health/health.service';
import { MetricsService } from '../metrics/metrics.service';

/**
 * The management port (MANAGEMENT_PORT): Prometheus /metrics and the health endpoints, apart from
 * the public port so that neither is reachable from where clients come. A bare node:http server:
 * three fixed paths need no framework, and nothing here passes through the public request hooks.
 */
@Injectable()
export class ManagementServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Management');
  private server?: Server;

  constructor(
    @InjectConfig('managementPort') private readonly managementPort: AppConfig['managementPort'],
    @InjectConfig('host') private readonly host: AppConfig['host'],
    private readonly metrics: MetricsService,
    private readonly health: HealthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.managementPort === 0) return;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.logger.error(`management request failed: ${(error as Error).message}`);
        if (!res.headersSent) send(res, 500, 'application/json', '{"status":"error"}');
      });
    });
    await listenOn(
      (host) =>
        new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(this.managementPort, host, () => {
            server.off('error', reject);
            resolve();
          });
        }),
      this.host,
    );
    this.server = server;
    this.logger.log(`Metrics and health on port ${this.managementPort}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'application/json', '{"status":"method not allowed"}');
    switch (new URL(req.url ?? '/', 'http://management').pathname) {
      case '/metrics':
        return send(res, 200, this.metrics.registry.contentType, await this.metrics.registry.metrics());
      case '/health/live':
        return send(res, 200, 'application/json', '{"status":"ok"}');
      case '/health/ready': {
        const readiness = await this.health.readiness();
        return send(res, readiness.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(readiness));
      }
      default:
        return send(res, 404, 'application/json', '{"status":"not found"}');
    }
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}
