import { loadConfig } from '../config/app-config';

/**
 * The container's HEALTHCHECK (`node dist/src/health/healthcheck.js`): exits 0 when this
 * instance's /health/ready answers 200 within 3 s. The image has no curl; Node is there anyway.
 */
async function healthcheck(): Promise<boolean> {
  const config = loadConfig(process.env);
  const listensEverywhere = !config.host || config.host === '0.0.0.0' || config.host === '::';
  const host = listensEverywhere ? '127.0.0.1' : config.host!;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/health/ready`;
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return response.ok;
}

healthcheck().then(
  (healthy) => process.exit(healthy ? 0 : 1),
  () => process.exit(1),
);
