import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../../test/support/certificates';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite database on port 3000 with 3600 s access tokens', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ type: 'sqlite', path: './data/oauth.sqlite' });
    expect(config.port).toBe(3000);
    expect(config.issuer).toBe('http://localhost:3000');
    expect(config.defaults.accessTokenTtl).toBe(3600);
  });

  it('reads the MySQL connection from DB_* variables', () => {
    const config = loadConfig({ DB_TYPE: 'mysql', DB_HOST: 'db', DB_PORT: '3307', DB_NAME: 'x', KEY_ENCRYPTION_SECRET: 'k'.repeat(32) });
    expect(config.database).toEqual({
      type: 'mysql',
      host: 'db',
      port: 3307,
      username: 'root',
      password: '',
      database: 'x',
      galeraSyncWait: 1,
    });
  });

  it('reads several MySQL hosts from DB_HOST (Galera nodes, tried in order), each port defaulting to DB_PORT', () => {
    const base = { DB_TYPE: 'mysql', KEY_ENCRYPTION_SECRET: 'k'.repeat(32) };
    const config = loadConfig({ ...base, DB_HOST: 'db1:3307, db2,[::1]:3308', DB_PORT: '3306', DB_GALERA_SYNC_WAIT: '0' });
    expect(config.database).toMatchObject({
      host: 'db1',
      port: 3307,
      hosts: [
        { host: 'db1', port: 3307 },
        { host: 'db2', port: 3306 },
        { host: '::1', port: 3308 },
      ],
      galeraSyncWait: 0,
    });
    expect(loadConfig({ ...base, DB_HOST: '::1' }).database).toMatchObject({ host: '::1', port: 3306 });
    expect(() => loadConfig({ ...base, DB_HOST: 'db1:3306,,db2' })).toThrow(/Invalid environment variable DB_HOST/);
    expect(() => loadConfig({ ...base, DB_HOST: 'db1:99999' })).toThrow(/Invalid environment variable DB_HOST/);
    expect(() => loadConfig({ ...base, DB_TYPE: 'postgres', DB_HOST: 'a,b' })).toThrow(/several hosts need DB_TYPE=mysql/);
  });

  it('reads a PostgreSQL connection, defaulting to port 5432 and user postgres', () => {
    const config = loadConfig({ DB_TYPE: 'postgres', DB_HOST: 'pg', DB_NAME: 'x', KEY_ENCRYPTION_SECRET: 'k'.repeat(32) });
    expect(config.database).toEqual({ type: 'postgres', host: 'pg', port: 5432, username: 'postgres', password: '', database: 'x' });
  });

  it('requires KEY_ENCRYPTION_SECRET with PostgreSQL, as with MySQL', () => {
    expect(() => loadConfig({ DB_TYPE: 'postgres' })).toThrow(/KEY_ENCRYPTION_SECRET: required with DB_TYPE=postgres/);
  });

  it('reads TLS to the database from DB_SSL, DB_SSL_CA (a PEM file) and DB_SSL_REJECT_UNAUTHORIZED', () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-ca-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const base = { DB_TYPE: 'postgres', KEY_ENCRYPTION_SECRET: 'k'.repeat(32) };
    expect(loadConfig({ ...base, DB_SSL: 'on', DB_SSL_CA: ca }).database).toMatchObject({
      ssl: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', rejectUnauthorized: true },
    });
    expect(loadConfig({ ...base, DB_SSL: 'on', DB_SSL_REJECT_UNAUTHORIZED: 'off' }).database).toMatchObject({ ssl: { rejectUnauthorized: false } });
    expect(loadConfig({ ...base, DB_SSL: 'off', DB_SSL_CA: ca }).database).not.toHaveProperty('ssl');
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['PORT', 'abc'],
    ['DB_TYPE', 'oracle'],
    ['DB_SSL', 'sometimes'],
    ['DB_SSL_CA', '/no/such/ca.pem'],
    ['DB_SSL_REJECT_UNAUTHORIZED', 'maybe'],
    ['ACCESS_TOKEN_TTL', '-5'],
    ['PKCE_REQUIRED', 'maybe'],
    ['ISSUER', 'not a url'],
  ])('rejects %s=%s with one line naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      const message = (e as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toContain(`Invalid environment variable ${name}=`);
    }
  });

  it.each([
    ['false', []],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['192.168.1.10,fd00::/8,uniquelocal', ['192.168.1.10', 'fd00::/8', 'uniquelocal']],
  ])('reads TRUST_PROXY=%s as the proxies %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('trusts no proxy by default', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
  });

  it.each(['1', '2', 'true'])('refuses the hop count TRUST_PROXY=%s with one line that says to name the proxies by address', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
    const message = (() => {
      try {
        loadConfig({ TRUST_PROXY: value });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(`Invalid environment variable TRUST_PROXY="${value}"`);
    expect(message).toContain('name the proxies by address instead, e.g. TRUST_PROXY=10.0.0.0/8');
  });

  it.each(['yes', '10.0.0.0/33', '300.1.1.1', 'loopback,', '::1/129', '10.0.0.0/8/8'])('refuses TRUST_PROXY=%s, which names no proxy', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow('Invalid environment variable TRUST_PROXY=');
  });

  it('refuses MySQL without KEY_ENCRYPTION_SECRET, in one line that never echoes a secret', () => {
    expect(() => loadConfig({ DB_TYPE: 'mysql' })).toThrow('Missing environment variable KEY_ENCRYPTION_SECRET: required with DB_TYPE=mysql');
    expect(() => loadConfig({ DB_TYPE: 'sqlite' })).not.toThrow();
  });

  it('strips a trailing slash from the issuer', () => {
    expect(loadConfig({ ISSUER: 'https://auth.example.com/' }).issuer).toBe('https://auth.example.com');
  });

  it('refuses a too short ADMIN_PASSWORD without writing its value', () => {
    expect(() => loadConfig({ ADMIN_PASSWORD: 'hunter2' })).toThrow(
      /^Invalid environment variable ADMIN_PASSWORD \(value hidden\): ADMIN_PASSWORD must be longer than or equal to 12 characters$/,
    );
  });

  it('hides the password of a refused REDIS_URL and shows the rest', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://:s3cret@redis:6379' })).toThrow('Invalid environment variable REDIS_URL="http://***@redis:6379"');
  });

  it('reads Redis Sentinel: the sentinels (port 26379 by default) and the primary name, REDIS_URL giving only credentials', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://r:6380' }).redis).toEqual({ url: 'redis://r:6380' });
    expect(loadConfig({ REDIS_SENTINELS: 's1:26380, s2', REDIS_SENTINEL_NAME: 'oauth' }).redis).toEqual({
      sentinels: {
        hosts: [
          { host: 's1', port: 26380 },
          { host: 's2', port: 26379 },
        ],
        name: 'oauth',
      },
    });
    expect(loadConfig({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'oauth', REDIS_URL: 'redis://:pw@ignored/2' }).redis).toMatchObject({
      url: 'redis://:pw@ignored/2',
    });
  });

  it('refuses a bad REDIS_SENTINELS or REDIS_SENTINEL_NAME in one line', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: 's1,,s2', REDIS_SENTINEL_NAME: 'm' })).toThrow(
      /^Invalid environment variable REDIS_SENTINELS="s1,,s2": [^\n]+$/,
    );
    expect(() => loadConfig({ REDIS_SENTINELS: 's1:70000', REDIS_SENTINEL_NAME: 'm' })).toThrow(
      /^Invalid environment variable REDIS_SENTINELS=s1:70000: port 70000/,
    );
    expect(() => loadConfig({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'a b' })).toThrow(/^Invalid environment variable REDIS_SENTINEL_NAME="a b": [^\n]+$/);
    expect(() => loadConfig({ REDIS_SENTINELS: 's1' })).toThrow(/^Missing environment variable REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/);
  });

  it('waits 30 s for the database and Redis at start unless STARTUP_WAIT_SECONDS says otherwise', () => {
    expect(loadConfig({}).startupWaitSeconds).toBe(30);
    expect(loadConfig({ STARTUP_WAIT_SECONDS: '2' }).startupWaitSeconds).toBe(2);
  });

  it('serves metrics and health on management port 9000 unless MANAGEMENT_PORT says otherwise (0: off)', () => {
    expect(loadConfig({}).managementPort).toBe(9000);
    expect(loadConfig({ MANAGEMENT_PORT: '0' }).managementPort).toBe(0);
  });

  it('refuses a MANAGEMENT_PORT equal to PORT with one line', () => {
    expect(() => loadConfig({ PORT: '8080', MANAGEMENT_PORT: '8080' })).toThrow(
      /^Invalid environment variable MANAGEMENT_PORT="8080": MANAGEMENT_PORT must differ from PORT \(or be 0 to turn it off\)$/,
    );
  });

  describe('WebAuthn relying party', () => {
    it('derives the RP id and the one origin from ISSUER, attestation none', () => {
      expect(loadConfig({ ISSUER: 'https://login.example.com/' }).webauthn).toEqual({
        rpId: 'login.example.com',
        origins: ['https://login.example.com'],
        attestation: 'none',
        attestationRoots: [],
      });
    });

    it('uses localhost for an issuer on the loopback address, an IP address being no RP id, and allows both origins', () => {
      expect(loadConfig({ ISSUER: 'http://127.0.0.1:3000' }).webauthn).toMatchObject({
        rpId: 'localhost',
        origins: ['http://127.0.0.1:3000', 'http://localhost:3000'],
      });
    });

    /** A PEM file in a fresh directory, removed after the test. */
    const withFile = (contents: string, run: (path: string) => void) => {
      const dir = mkdtempSync(join(tmpdir(), 'webauthn-roots-'));
      try {
        writeFileSync(join(dir, 'roots.pem'), contents);
        run(join(dir, 'roots.pem'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it('takes WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS, WEBAUTHN_ATTESTATION and the roots of WEBAUTHN_ATTESTATION_ROOTS', () => {
      const roots = [makeCertificate({ subject: '/CN=Maker A Root', ca: true }), makeCertificate({ subject: '/CN=Maker B Root', ca: true })];
      withFile(roots.map((r) => r.certificate).join('\n'), (path) => {
        const config = loadConfig({
          ISSUER: 'https://auth.example.com',
          WEBAUTHN_RP_ID: 'Example.com',
          WEBAUTHN_ORIGINS: 'https://auth.example.com, https://www.example.com/',
          WEBAUTHN_ATTESTATION: 'direct',
          WEBAUTHN_ATTESTATION_ROOTS: path,
        });
        expect(config.webauthn).toEqual({
          rpId: 'example.com',
          origins: ['https://auth.example.com', 'https://www.example.com'],
          attestation: 'direct',
          attestationRoots: roots.map((r) => r.certificate.trim()),
        });
      });
    });

    it.each(['direct', 'enterprise'])('refuses WEBAUTHN_ATTESTATION=%s without WEBAUTHN_ATTESTATION_ROOTS, in one line', (attestation) => {
      const load = () => loadConfig({ ISSUER: 'https://login.example.com', WEBAUTHN_ATTESTATION: attestation });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(`Missing environment variable WEBAUTHN_ATTESTATION_ROOTS: required with WEBAUTHN_ATTESTATION=${attestation}`);
    });

    it('refuses a WEBAUTHN_ATTESTATION_ROOTS file without a readable certificate, or no file', () => {
      const load = (path: string) => () =>
        loadConfig({ ISSUER: 'https://login.example.com', WEBAUTHN_ATTESTATION: 'direct', WEBAUTHN_ATTESTATION_ROOTS: path });
      withFile('not a certificate\n', (path) => expect(load(path)).toThrow('holds no PEM certificate'));
      withFile('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', (path) =>
        expect(load(path)).toThrow('holds a certificate that cannot be read'),
      );
      expect(load('/nonexistent/roots.pem')).toThrow(/WEBAUTHN_ATTESTATION_ROOTS="\/nonexistent\/roots.pem"/);
    });

    it.each([
      [{ WEBAUTHN_RP_ID: 'https://example.com' }, 'WEBAUTHN_RP_ID="https://example.com": must be a domain name'],
      [{ WEBAUTHN_RP_ID: '10.0.0.1' }, 'WEBAUTHN_RP_ID="10.0.0.1": must be a domain name'],
      [{ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.net' }, 'origin https://example.net is not on the relying party id example.com'],
      [{ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'http://www.example.com' }, 'passkeys need https'],
      [{ WEBAUTHN_ORIGINS: 'https://login.example.com/path' }, 'is not an origin'],
      [{ WEBAUTHN_RP_ID: 'example.org' }, 'WEBAUTHN_RP_ID: origin https://login.example.com is not on the relying party id example.org'],
      [{ WEBAUTHN_ATTESTATION: 'indirect' }, 'WEBAUTHN_ATTESTATION="indirect"'],
    ])('refuses %j in one line', (env, message) => {
      const load = () => loadConfig({ ISSUER: 'https://login.example.com', ...env });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(message);
    });
  });
});
