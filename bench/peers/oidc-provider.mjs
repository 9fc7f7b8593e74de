// The peer: node-oidc-provider 9 with its default (in-memory) store, client_credentials and introspection.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'bench',
      client_secret: 'bench-secret-bench-secret-bench-secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'read',
    },
  ],
  scopes: ['read'],
  features: { clientCredentials: { enabled: true }, introspection: { enabled: true }, devInteractions: { enabled: false } },
  clientBasedCORS: () => true,
});
// Silence per-request error logging of the library.
provider.on('server_error', () => undefined);
const server = provider.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
