import { createServer, type Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../../config/app-config';

/**
 * An HTTPS listener of the server's own that asks every client for a certificate (RFC 8705, for
 * deployments without a TLS-terminating proxy), serving the same routes as the main port. The
 * handshake does not require one, and does not refuse one it cannot verify: the client
 * authentication method decides (tls_client_auth wants a chain to MTLS_CLIENT_CA,
 * self_signed_tls_client_auth a registered key), and ClientCertificates reads it from the socket.
 */
export async function startMtlsListener(fastify: FastifyInstance, mtls: NonNullable<AppConfig['mtls']>, host: string): Promise<Server> {
  const server = createServer(
    {
      cert: mtls.cert,
      key: mtls.key,
      ...(mtls.clientCa ? { ca: mtls.clientCa } : {}),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    (req, res) => fastify.routing(req, res),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(mtls.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
