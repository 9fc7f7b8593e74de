import type { DatabaseHost } from '../../config/app-config';
import type { PoolState } from './dialect';

/** The part of mysql2 (callback API) the pools use. */
export interface Mysql2Module {
  createPool(options: object): Mysql2Pool;
}
interface Mysql2Pool {
  getConnection(callback: (error: Error | null, connection: Mysql2Connection) => void): void;
  end(callback?: (error?: Error | null) => void): void;
}
interface Mysql2Connection {
  query(sql: string, callback: (error: Error | null, rows?: unknown) => void): void;
  release(): void;
  destroy(): void;
}
/** The internals of mysql2's pool that the metrics read. */
interface Mysql2PoolInternals {
  readonly _allConnections?: { length: number };
  readonly _freeConnections?: { length: number };
  readonly _connectionQueue?: { length: number };
}

export interface HostListOptions {
  /** Tried in this order; a host that failed is skipped for HOST_RETRY_MS. */
  readonly hosts: readonly DatabaseHost[];
  /** wsrep_sync_wait of every connection to a Galera node. */
  readonly galeraSyncWait: number;
}

/** How long a host that refused a connection, or is a Galera node not ready, is passed over. */
const HOST_RETRY_MS = 2000;

/**
 * How long a host's pool may take to hand out a connection while other hosts remain to be tried.
 * Behind a network partition (no byte moves, no reset) the connections of a host hang in their
 * queries and are never released, and a pool without a free slot queues every later request
 * forever: past this wait the host is passed over like one that refused.
 */
const HANDOUT_TIMEOUT_MS = 1000;

function stalled(host: DatabaseHost): Error {
  return Object.assign(new Error(`no connection to ${host.host}:${host.port} within ${HANDOUT_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' });
}

/** What a non-primary Galera node answers to statements (ER_UNKNOWN_COM_ERROR), for a pool that has no other host. */
function notReady(host: DatabaseHost): Error {
  return Object.assign(new Error(`WSREP has not yet prepared node for application use (${host.host}:${host.port})`), {
    code: 'ER_UNKNOWN_COM_ERROR',
    errno: 1047,
  });
}

interface Node extends DatabaseHost {
  readonly pool: Mysql2Pool;
  downUntil: number;
}

/**
 * A pool over the hosts of DB_HOST, one mysql2 pool per host: each connection comes from the first
 * host that works, in the configured order, so every instance prefers its own Galera node and moves
 * to the next when that node is down or not part of the primary component, and back when it returns.
 *
 * Chosen over TypeORM's `replication` (a read/write split: every write would still depend on one
 * host) and mysql2's PoolCluster (which cannot check a node's readiness before handing out a
 * connection). Connections already open to a node that dies fail with it (their requests answer
 * 503, with no effect); the next ones go to another node.
 */
export class HostListPool {
  private readonly nodes: Node[];
  /** Connections whose session is set up (sync wait) and whose node was ready when they opened. */
  private readonly prepared = new WeakSet<Mysql2Connection>();

  constructor(
    mysql: Mysql2Module,
    poolOptions: object,
    private readonly options: HostListOptions,
  ) {
    this.nodes = options.hosts.map((host) => ({ ...host, pool: mysql.createPool({ ...poolOptions, host: host.host, port: host.port }), downUntil: 0 }));
  }

  getConnection(callback: (error: Error | null, connection: Mysql2Connection) => void): void {
    const now = Date.now();
    // Hosts that are up in their configured order, then those passed over, soonest back first.
    const order = [
      ...this.nodes.filter((node) => node.downUntil <= now),
      ...this.nodes.filter((node) => node.downUntil > now).sort((a, b) => a.downUntil - b.downUntil),
    ];
    const attempt = (index: number, lastError: Error | null): void => {
      const node = order[index];
      if (!node) return callback(lastError, undefined as unknown as Mysql2Connection);
      // The last host is waited for as long as it takes (the request timeout bounds it).
      let passedOver = false;
      const timer =
        index < order.length - 1
          ? setTimeout(() => {
              passedOver = true;
              node.downUntil = Date.now() + HOST_RETRY_MS;
              attempt(index + 1, stalled(node));
            }, HANDOUT_TIMEOUT_MS)
          : undefined;
      node.pool.getConnection((error, connection) => {
        if (passedOver) return error ? undefined : connection.release();
        clearTimeout(timer);
        if (error) {
          node.downUntil = Date.now() + HOST_RETRY_MS;
          return attempt(index + 1, error);
        }
        if (this.prepared.has(connection)) return callback(null, connection);
        this.prepare(connection, (ready) => {
          if (ready) {
            this.prepared.add(connection);
            return callback(null, connection);
          }
          connection.destroy();
          node.downUntil = Date.now() + HOST_RETRY_MS;
          attempt(index + 1, notReady(node));
        });
      });
    };
    attempt(0, null);
  }

  /**
   * Sets the session's wsrep_sync_wait where the server runs wsrep (causal reads: a SELECT waits
   * until this node has applied every write the cluster committed before it), and checks that a
   * Galera node is ready: one that left the primary component accepts connections but refuses
   * statements. MySQL refuses the SET (no wsrep variables) and has no such status: nothing to do.
   */
  private prepare(connection: Mysql2Connection, done: (ready: boolean) => void): void {
    connection.query(`SET SESSION wsrep_sync_wait = IF(@@wsrep_on, ${this.options.galeraSyncWait}, 0)`, () => undefined);
    connection.query(`SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_connected', 'wsrep_ready')`, (error, rows) => {
      if (error) return done(false);
      const status = new Map((rows as { Variable_name: string; Value: string }[]).map((row) => [row.Variable_name.toLowerCase(), row.Value]));
      // Without a provider (MariaDB without Galera) the node is not connected, and is ready for us.
      done(status.get('wsrep_connected') !== 'ON' || status.get('wsrep_ready') === 'ON');
    });
  }

  end(callback: (error?: Error | null) => void = () => undefined): void {
    let open = this.nodes.length;
    let failure: Error | null = null;
    for (const node of this.nodes) {
      node.pool.end((error) => {
        failure ??= error ?? null;
        if (--open === 0) callback(failure);
      });
    }
  }

  /** Connections in use, idle and waited for, over every host. */
  state(): PoolState {
    let all = 0;
    let idle = 0;
    let waiting = 0;
    for (const node of this.nodes) {
      const pool = node.pool as Mysql2PoolInternals;
      all += pool._allConnections?.length ?? 0;
      idle += pool._freeConnections?.length ?? 0;
      waiting += pool._connectionQueue?.length ?? 0;
    }
    return { inUse: all - idle, idle, waiting };
  }
}

/** mysql2, with pools that go through the host list (TypeORM's `driver` option). */
export function hostListDriver(mysql: Mysql2Module, options: HostListOptions): Mysql2Module {
  return Object.create(mysql, {
    createPool: { value: (poolOptions: object) => new HostListPool(mysql, poolOptions, options) },
  }) as Mysql2Module;
}
