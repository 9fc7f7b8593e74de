import { Client, ResultCodeError, type Entry } from 'ldapts';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { DirectoryUnavailableError } from '../users/user-directories';
import type { LdapDirectoryEntity } from './ldap-directory.entity';

const SIZE_LIMIT_EXCEEDED = 4;

export type ConnectionSettings = Pick<LdapDirectoryEntity, 'urls' | 'startTls' | 'caCertificates' | 'connectTimeoutMs' | 'operationTimeoutMs'>;

export interface SearchRequest {
  readonly filter: string;
  readonly attributes: string[];
  readonly binaryAttributes: string[];
  /** Stop at this many entries (a sign-in asks for 2, to see an ambiguous name); none: page through all. */
  readonly sizeLimit?: number;
}

/**
 * One connection to a directory, bound as its service account: to the first URL that answers, the
 * next one when a server is down or does not answer within the connection timeout. A server that
 * answers and refuses the service account is not failed over: another would refuse it too.
 */
export class LdapConnection {
  private constructor(
    private readonly client: Client,
    readonly url: string,
  ) {}

  static async open(settings: ConnectionSettings, bindDn: string, bindPassword: string): Promise<LdapConnection> {
    const tlsOptions: ConnectionOptions = { minVersion: 'TLSv1.2', ...(settings.caCertificates ? { ca: settings.caCertificates } : {}) };
    const failures: string[] = [];
    for (const url of settings.urls) {
      // ldapts speaks TLS from the start whenever it is given TLS options: only for ldaps://.
      const secure = url.startsWith('ldaps://');
      const client = new Client({
        url,
        timeout: settings.operationTimeoutMs,
        connectTimeout: settings.connectTimeoutMs,
        ...(secure ? { tlsOptions } : {}),
        strictDN: false,
      });
      try {
        // RFC 4513 §3: StartTLS before any bind, so no password crosses in clear.
        // The certificate is checked against the URL's host (tls.connect over a socket would say localhost).
        if (settings.startTls && !secure) await client.startTLS({ ...tlsOptions, ...serverIdentity(url) });
        await client.bind(bindDn, bindPassword);
        return new LdapConnection(client, url);
      } catch (error) {
        await client.unbind().catch(() => undefined);
        if (error instanceof ResultCodeError) throw new DirectoryUnavailableError(`${url} refused the service account: ${error.message}`);
        failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new DirectoryUnavailableError(`no directory server answered (${failures.join('; ')})`);
  }

  /** `truncated`: the server had more entries than `sizeLimit` (RFC 4511 §4.5.2 sizeLimitExceeded). */
  async search(baseDn: string, request: SearchRequest): Promise<{ entries: Entry[]; truncated: boolean }> {
    try {
      const { searchEntries } = await this.client.search(baseDn, {
        scope: 'sub',
        filter: request.filter,
        attributes: request.attributes,
        explicitBufferAttributes: request.binaryAttributes,
        ...(request.sizeLimit ? { sizeLimit: request.sizeLimit } : { paged: { pageSize: 500 } }),
      });
      return { entries: searchEntries, truncated: false };
    } catch (error) {
      if (error instanceof ResultCodeError && error.code === SIZE_LIMIT_EXCEEDED) return { entries: [], truncated: true };
      throw unavailable(this.url, error);
    }
  }

  /**
   * Whether `password` is the entry's (RFC 4513 §5.1.2 simple bind, on this connection). An empty
   * password is never sent: §5.1.2 makes it an unauthenticated bind, which servers may answer
   * with success for any DN.
   */
  async verifyPassword(dn: string, password: string): Promise<boolean> {
    if (password.length === 0) return false;
    try {
      await this.client.bind(dn, password);
      return true;
    } catch (error) {
      // invalidCredentials, or another refusal of the server (a password policy's lock): a no.
      if (error instanceof ResultCodeError) return false;
      throw unavailable(this.url, error);
    }
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }
}

function unavailable(url: string, error: unknown): DirectoryUnavailableError {
  return new DirectoryUnavailableError(`${url}: ${error instanceof Error ? error.message : String(error)}`);
}

/** The name the server's certificate must carry; SNI only for a DNS name (RFC 6066 §3). */
function serverIdentity(url: string): Pick<ConnectionOptions, 'host' | 'servername'> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? { host } : { host, servername: host };
}
