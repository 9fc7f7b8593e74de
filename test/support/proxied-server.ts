import { createTestDatabase, SERVER_DB, TestDatabase } from './databases';
import { ServerProcess, startServer } from './server-process';
import { proxiedDatabase, TcpProxy } from './tcp-proxy';

export interface ProxiedServer {
  readonly db: TestDatabase;
  /** Between the server and its database: the fault a test injects. */
  readonly proxy: TcpProxy;
  readonly server: ServerProcess;
  /** Kills the server, closes the proxy and drops the database. */
  stop(): Promise<void>;
}

/**
 * A server process (with `env`) on a fresh SERVER_DB database that it reaches only through a TcpProxy:
 * what every fault spec starts. Whatever was started is stopped again when a later step fails.
 */
export async function startProxiedServer(env: Record<string, string>): Promise<ProxiedServer> {
  const db = await createTestDatabase(SERVER_DB);
  let proxy: TcpProxy | undefined;
  try {
    const proxied = await proxiedDatabase(db);
    proxy = proxied.proxy;
    const server = await startServer({ ...proxied.env, ...env });
    const stop = async () => {
      await server.stop('SIGKILL');
      await proxied.proxy.close();
      await db.drop();
    };
    return { db, proxy, server, stop };
  } catch (error) {
    await proxy?.close();
    await db.drop();
    throw error;
  }
}
