import { plainToInstance, Transform } from 'class-transformer';
import { X509Certificate } from 'node:crypto';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min, MaxLength, MinLength, validateSync, ValidateBy } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

/** `host`, `host:port`, `[v6]` or `[v6]:port`, comma-separated. */
const DB_HOST_ENTRY = String.raw`\s*(?:\[[0-9A-Fa-f:.]+\]|[^\s,:\[\]]+)(?::\d{1,5})?\s*`;
const DB_HOSTS = new RegExp(`^${DB_HOST_ENTRY}(?:,${DB_HOST_ENTRY})*$`);

export interface DatabaseHost {
  readonly host: string;
  readonly port: number;
}

function parseDatabaseHosts(value: string, defaultPort: number): DatabaseHost[] {
  if (isIP(value.trim()) === 6) return [{ host: value.trim(), port: defaultPort }];
  return parseHosts('DB_HOST', value, defaultPort);
}

function parseHosts(name: string, value: string, defaultPort: number): DatabaseHost[] {
  return value.split(',').map((entry) => {
    const match = /^\[?(.*?)\]?(?::(\d+))?$/.exec(entry.trim())!;
    const port = match[2] === undefined ? defaultPort : Number(match[2]);
    if (port < 1 || port > 65535) throw new ConfigError(`Invalid environment variable ${name}=${value}: port ${port} is out of range`);
    return { host: match[1], port };
  });
}

const toBool = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1' || value === 'on') return true;
  if (value === 'false' || value === '0' || value === 'off') return false;
  return value;
};

/** A path to a file the server can read. */
const ReadableFile = () =>
  ValidateBy({
    name: 'readableFile',
    validator: { validate: (value) => typeof value === 'string' && isReadableFile(value), defaultMessage: () => 'cannot read that file' },
  });

/** An HTTP header name. */
const HeaderName = () =>
  ValidateBy({
    name: 'headerName',
    validator: { validate: (value) => typeof value === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(value), defaultMessage: () => 'must be an HTTP header name' },
  });

/**
 * Applies decorators as if written one above the other (the lowest first), so the constraints keep
 * the order loadConfig reads the reason of a refusal from.
 */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => [...decorators].reverse().forEach((decorator) => decorator(target, property));
}

/** A whole number from min to max (a number, or a string of digits as the environment gives it). */
const IntSetting = (min: number, max: number) => stacked(Transform(toInt), IsInt(), Min(min), Max(max));

/** true/false, 1/0 or on/off. */
const BooleanSetting = () => stacked(Transform(toBool), IsBoolean());

/**
 * The environment variables the server reads, with their defaults. This is the only place that
 * knows about process.env (through loadConfig); everything else receives an AppConfig.
 */
export class EnvironmentVariables {
  @IntSetting(0, 65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  HOST?: string = undefined;

  /**
   * Port of the management server: /metrics (Prometheus) and the health endpoints, kept off the
   * public port (as Keycloak's 9000). 0 turns it off, and with it the metrics.
   */
  @IntSetting(0, 65535)
  @ValidateBy({
    name: 'notPort',
    validator: {
      validate: (value, args) => value === 0 || value !== (args?.object as { PORT?: unknown }).PORT,
      defaultMessage: () => 'MANAGEMENT_PORT must differ from PORT (or be 0 to turn it off)',
    },
  })
  MANAGEMENT_PORT = 9000;

  /** Public base URL of this server; the RFC 8414 `issuer`. Defaults to http://localhost:PORT. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  ISSUER?: string = undefined;

  @IsIn(['sqlite', 'mysql', 'postgres'])
  DB_TYPE: 'sqlite' | 'mysql' | 'postgres' = 'sqlite';

  /** SQLite file; its folder is created on first start. */
  @IsString()
  @MinLength(1)
  DB_PATH = './data/oauth.sqlite';

  /**
   * One host, or several as `host:port,host:port` (the nodes of a MariaDB Galera cluster, tried in
   * order; a port left out is DB_PORT's).
   */
  @IsString()
  @ValidateBy({
    name: 'databaseHosts',
    validator: {
      validate: (value) => typeof value === 'string' && (isIP(value.trim()) === 6 || DB_HOSTS.test(value)),
      defaultMessage: () => 'must be a host, or a comma-separated list of host or host:port',
    },
  })
  DB_HOST = '127.0.0.1';

  /** Default: 3306 for MySQL, 5432 for PostgreSQL. */
  @IsOptional()
  @IntSetting(1, 65535)
  DB_PORT?: number = undefined;

  /** Default: root for MySQL, postgres for PostgreSQL. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  DB_USERNAME?: string = undefined;

  @IsString()
  DB_PASSWORD = '';

  @IsString()
  @MinLength(1)
  DB_NAME = 'oauth';

  /** TLS to MySQL or PostgreSQL (managed databases): on/off. */
  @BooleanSetting()
  DB_SSL = false;

  /** PEM file of the certificate authorities the database's certificate is checked against (DB_SSL=on). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @ReadableFile()
  DB_SSL_CA?: string = undefined;

  /** Refuse a database certificate that does not verify (DB_SSL=on); off only for a trusted network. */
  @BooleanSetting()
  DB_SSL_REJECT_UNAUTHORIZED = true;

  /**
   * MariaDB Galera: the `wsrep_sync_wait` of every connection, so that reads see every write the
   * cluster acknowledged on any node (1: reads; 0: off). Applied only where the server runs wsrep.
   */
  @IntSetting(0, 15)
  DB_GALERA_SYNC_WAIT = 1;

  /** Default lifetimes in seconds; written to the settings table on first start, then managed there. */
  @IntSetting(1, 31_536_000)
  ACCESS_TOKEN_TTL = 3600;

  @IntSetting(1, 31_536_000)
  REFRESH_TOKEN_TTL = 1_209_600;

  @IntSetting(1, 600)
  AUTHORIZATION_CODE_TTL = 300;

  @BooleanSetting()
  PKCE_REQUIRED = false;

  @BooleanSetting()
  PKCE_PLAIN_ALLOWED = false;

  /** Lifetime of the browser login session at the authorize endpoint, seconds. */
  @IntSetting(60, 2_592_000)
  LOGIN_SESSION_TTL = 28_800;

  /**
   * Proxies in front of the server whose X-Forwarded-* headers are believed (client IP for rate
   * limits, lockouts and audit; HTTPS for Secure cookies), named by address: a comma-separated list
   * of addresses, CIDRs and the names `loopback`, `linklocal`, `uniquelocal`; `false` trusts none.
   * A hop count (or `true`) is refused: it believes X-Forwarded-For from whoever connects, so a
   * client that reaches the server directly would choose its own IP (and Fastify 5.12 no longer
   * honours it at all).
   */
  @ValidateBy({
    name: 'trustProxy',
    validator: {
      validate: (value) => typeof value === 'string' && trustProxyProblem(value) === undefined,
      defaultMessage: (args) => trustProxyProblem(String(args?.value)) ?? '',
    },
  })
  TRUST_PROXY = 'false';

  /** Seconds during which a rotated refresh token presented again is refused without revoking its family (0: off). */
  @IntSetting(0, 60)
  REFRESH_REUSE_GRACE_SECONDS = 0;

  /**
   * Seconds after a refresh token was rotated during which presenting it again, while the refresh
   * token that refresh issued was never used, replaces those tokens instead of revoking the
   * family: the retry of a client whose answer was a 503 sent while the COMMIT was in flight
   * (0: off; every second presentation is reuse). Never applies to authorization codes (RFC 6749
   * §4.1.2). 30 s, as Okta's grace period: a stolen token replayed in it is detected at the
   * holder's next refresh rather than at once, so the window stays short.
   */
  @IntSetting(0, 600)
  TOKEN_RETRY_WINDOW_SECONDS = 30;

  /**
   * Folder of the token outbox: the token writes whose requests were answered 503 while their
   * COMMIT's outcome was unknown, kept until compensated (revoked), across a restart.
   */
  @IsString()
  @MinLength(1)
  TOKEN_OUTBOX_DIR = './data/outbox';

  /**
   * Lease of an outbox file: its instance refreshes it while alive, and another instance on the
   * same folder takes the file over only once it is older than this (the instance is gone).
   */
  @IntSetting(2, 3600)
  TOKEN_OUTBOX_LEASE_SECONDS = 30;

  /** Failed logins (login page and password grant) for one username before it is locked. */
  @IntSetting(1, 1000)
  LOGIN_MAX_FAILURES = 5;

  @IntSetting(1, 86_400)
  LOGIN_LOCKOUT_SECONDS = 300;

  /** Failed client authentications for one client id before it is refused with 429. */
  @IntSetting(1, 100_000)
  CLIENT_AUTH_MAX_FAILURES = 20;

  @IntSetting(1, 86_400)
  CLIENT_AUTH_LOCKOUT_SECONDS = 60;

  /** Requests per IP per minute on the token, authorize and login routes (0: no limit). */
  @IntSetting(0, 10_000_000)
  RATE_LIMIT_TOKEN_PER_MINUTE = 6000;

  @IntSetting(0, 10_000_000)
  RATE_LIMIT_AUTHORIZE_PER_MINUTE = 600;

  @IntSetting(0, 10_000_000)
  RATE_LIMIT_LOGIN_PER_MINUTE = 60;

  /** Counters shared by every instance live here when set (redis://host:port); otherwise in process. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['redis', 'rediss'], require_protocol: true })
  REDIS_URL?: string = undefined;

  /**
   * Redis Sentinel: the sentinels as `host:port,host:port` (a port left out is 26379). The client
   * asks them for the current primary of REDIS_SENTINEL_NAME and follows a failover; REDIS_URL, if
   * set too, gives only the password, database and TLS of that primary (its host is not used).
   */
  @IsOptional()
  @IsString()
  @ValidateBy({
    name: 'redisSentinels',
    validator: {
      validate: (value) => typeof value === 'string' && DB_HOSTS.test(value),
      defaultMessage: () => 'must be a comma-separated list of host:port (the sentinels)',
    },
  })
  REDIS_SENTINELS?: string = undefined;

  /** The primary's name as the sentinels know it (`sentinel monitor <name> ...`); required with REDIS_SENTINELS. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @ValidateBy({
    name: 'redisSentinelName',
    validator: { validate: (value) => typeof value === 'string' && /^[\w.-]+$/.test(value), defaultMessage: () => 'must be letters, digits, _, . or -' },
  })
  REDIS_SENTINEL_NAME?: string = undefined;

  /**
   * What lockouts (failed sign-ins per account, failed client authentications) do while the counter
   * store (Redis) fails: `closed` answers 503 rather than allow unlimited guessing; `open` lets the
   * attempt through uncounted.
   */
  @IsIn(['closed', 'open'])
  LOCKOUT_STORE_FAILURE: 'closed' | 'open' = 'closed';

  /** What per-IP rate limits do while the counter store fails: `open` serves uncounted, `closed` answers 503. */
  @IsIn(['closed', 'open'])
  RATE_LIMIT_STORE_FAILURE: 'closed' | 'open' = 'open';

  /** Prefix of every Redis key, so several deployments can share one Redis. */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  REDIS_PREFIX = 'oauth:';

  /**
   * Seconds after a client's `jwks_uri` was fetched before a token naming an unknown `kid` may
   * fetch it again (a client rotating keys is seen at once; a flood of made-up `kid`s is not a flood of fetches).
   */
  @IntSetting(0, 3600)
  CLIENT_JWKS_URI_COOLDOWN_SECONDS = 30;

  /**
   * Development, or an operator whose own applications publish keys on the internal network: a
   * `jwks_uri` may reach loopback and private addresses. Off, a name resolving to one is refused
   * when the socket connects (SSRF), as for metadata documents.
   */
  @BooleanSetting()
  CLIENT_JWKS_URI_ALLOW_PRIVATE = false;

  /**
   * The request header in which the TLS-terminating proxy named in TRUST_PROXY passes the client
   * certificate (mutual TLS client authentication, RFC 8705); unset: no certificate is read from
   * headers. Believed only from a peer TRUST_PROXY names; the proxy must overwrite it on every request.
   */
  @IsOptional()
  @HeaderName()
  CLIENT_CERTIFICATE_HEADER?: string = undefined;

  /**
   * How that header carries the certificate: `escaped-pem`, the URL-encoded PEM of nginx's
   * `$ssl_client_escaped_cert` (also HAProxy, Traefik with encoding); `xfcc`, Envoy's
   * X-Forwarded-Client-Cert with its `Cert="..."` element.
   */
  @IsIn(['escaped-pem', 'xfcc'])
  CLIENT_CERTIFICATE_HEADER_FORMAT: 'escaped-pem' | 'xfcc' = 'escaped-pem';

  /**
   * The request header in which that proxy says whether it verified the certificate against the
   * client CAs (nginx `$ssl_client_verify`: `SUCCESS`). Only a certificate it calls `SUCCESS` counts
   * for tls_client_auth (RFC 8705 §2.1: the chain must lead to a trusted CA); unset: none does, since
   * a proxy that also passes self-signed certificates (self_signed_tls_client_auth) accepts any.
   */
  @IsOptional()
  @HeaderName()
  CLIENT_CERTIFICATE_VERIFY_HEADER?: string = undefined;

  /**
   * A port for an HTTPS listener of the server's own that asks for client certificates (mutual TLS
   * without a TLS-terminating proxy); unset: none. Needs MTLS_CERT and MTLS_KEY.
   */
  @IsOptional()
  @IntSetting(1, 65535)
  MTLS_PORT?: number = undefined;

  /** PEM files of that listener's server certificate (with its chain) and private key. */
  @IsOptional()
  @ReadableFile()
  MTLS_CERT?: string = undefined;

  @IsOptional()
  @ReadableFile()
  MTLS_KEY?: string = undefined;

  /**
   * PEM file of the CAs whose client certificates tls_client_auth accepts on that listener; without
   * it, client certificates are taken unverified (self_signed_tls_client_auth only).
   */
  @IsOptional()
  @ReadableFile()
  MTLS_CLIENT_CA?: string = undefined;

  /**
   * The public base URL (the issuer's counterpart) under which clients reach the endpoints with their
   * certificate, published as `mtls_endpoint_aliases` (RFC 8705 §5): a host of its own behind the
   * proxy (`https://mtls.as.example.com`). Default with MTLS_PORT: the issuer's host on that port.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['https'], require_protocol: true })
  MTLS_ENDPOINT_BASE_URL?: string = undefined;

  /**
   * How long the start waits for the database (and Redis, when set) to answer before it gives up
   * with one line; an orchestrator that starts everything at once needs a few seconds of patience.
   */
  @IntSetting(0, 600)
  STARTUP_WAIT_SECONDS = 30;

  /** A request still running after this many milliseconds is answered 503 (408 if its body is still arriving). */
  @IntSetting(100, 300_000)
  REQUEST_TIMEOUT_MS = 10_000;

  /** How often expired codes, tokens and sessions are deleted, and how many rows per statement. */
  @IntSetting(0, 86_400)
  CLEANUP_INTERVAL_SECONDS = 300;

  @IntSetting(1, 100_000)
  CLEANUP_BATCH_SIZE = 500;

  /** The first admin, created on first start when no admin exists. */
  @IsString()
  @MinLength(1)
  ADMIN_USERNAME = 'admin';

  /** When empty on first start, a password is generated and written to ADMIN_PASSWORD_FILE. */
  @IsOptional()
  @IsString()
  @MinLength(12)
  ADMIN_PASSWORD?: string = undefined;

  /**
   * The new file (relative to the working directory) that receives the generated password of the
   * first admin, readable by this user only: a secret never goes to the log.
   */
  @IsString()
  @MinLength(1)
  ADMIN_PASSWORD_FILE = 'data/initial-admin-password';

  /** The product name on the sign-in, consent, account and error pages. */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  BRAND_NAME = 'Authorization Server';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /**
   * Encrypts the private signing keys at rest (AES-256-GCM under a key derived from it): at least
   * 32 characters, the same on every instance. Unset with the embedded database, one is generated
   * into a file beside it (with a warning); unset with MySQL, the server refuses to start.
   */
  @IsOptional()
  @IsString()
  @MinLength(32)
  @MaxLength(1024)
  KEY_ENCRYPTION_SECRET?: string = undefined;

  /**
   * RFC 9449 §8: DPoP proofs at the token endpoint and protected routes must carry a server nonce
   * (`use_dpop_nonce` otherwise). Nonces are stateless: an HMAC of a time slot under a key derived
   * from the server secret, so every instance issues and accepts the same ones.
   */
  @BooleanSetting()
  DPOP_NONCE_REQUIRED = false;

  /** How often the DPoP nonce changes, seconds; the previous one stays accepted for as long again. */
  @IntSetting(10, 86_400)
  DPOP_NONCE_ROTATION_SECONDS = 300;

  /** How old a DPoP proof's `iat` may be, seconds (RFC 9449 §11.1); its `jti` is remembered as long. */
  @IntSetting(5, 3600)
  DPOP_PROOF_MAX_AGE_SECONDS = 300;

  /**
   * The profile every application without one of its own follows: `fapi2-security` (FAPI 2.0
   * Security Profile, src/fapi/fapi-profile.ts) or unset (none).
   */
  @IsOptional()
  @IsIn(['fapi2-security'])
  FAPI_PROFILE?: 'fapi2-security' = undefined;

  /**
   * Whether applications that name no `mfa` policy ask for a second sign-in factor: `off`,
   * `optional` (users who enrolled one use it) or `required` (every user, enrolling first).
   */
  @IsIn(['off', 'optional', 'required'])
  MFA_DEFAULT: 'off' | 'optional' | 'required' = 'optional';

  /** The `acr` of a sign-in with a password alone (OpenID Connect Core §2); "0" as published before. */
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  ACR_PASSWORD = '0';

  /** The `acr` of a sign-in with a password and a second factor. */
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  ACR_MFA = 'urn:oauth-server:acr:mfa';

  /**
   * WebAuthn relying party id (W3C WebAuthn §5.1.4): the domain passkeys are bound to. Default:
   * the issuer's host (`localhost` for an issuer on a loopback address: an IP address is no RP id).
   * Changing it later orphans every passkey registered under the old one.
   */
  @IsOptional()
  @ValidateBy({
    name: 'rpId',
    validator: {
      validate: (value) => typeof value === 'string' && RP_ID.test(value) && isIP(value) === 0,
      defaultMessage: () => 'must be a domain name (e.g. example.com), not a URL or an IP address',
    },
  })
  WEBAUTHN_RP_ID?: string = undefined;

  /**
   * The origins (comma-separated, `https://login.example.com`) whose pages may run a passkey
   * ceremony; each must be on WEBAUTHN_RP_ID or a subdomain of it. Default: the issuer's origin.
   */
  @IsOptional()
  @IsString()
  WEBAUTHN_ORIGINS?: string = undefined;

  /**
   * Attestation asked of a new passkey (WebAuthn §5.4.7): `none` (default; any authenticator), or
   * `direct` / `enterprise`, which refuse a passkey without an attestation statement the server verifies.
   */
  @IsIn(['none', 'direct', 'enterprise'])
  WEBAUTHN_ATTESTATION: 'none' | 'direct' | 'enterprise' = 'none';

  /**
   * PEM file of the root certificates an attestation statement's chain (x5c) must lead to: the
   * authenticator makers this server accepts. Required with WEBAUTHN_ATTESTATION=direct|enterprise.
   */
  @IsOptional()
  @ReadableFile()
  WEBAUTHN_ATTESTATION_ROOTS?: string = undefined;

  /** Lifetime of ID Tokens (OpenID Connect), seconds. */
  @IntSetting(60, 86_400)
  ID_TOKEN_TTL = 3600;

  /** OpenTelemetry: traces go over OTLP/HTTP to `<endpoint>/v1/traces` when set (e.g. http://collector:4318). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string = undefined;

  /** Rotate the signing keys when the newest is this many days old (0: only POST /admin/keys/rotate). */
  @IntSetting(0, 3650)
  KEY_ROTATION_DAYS = 0;

  /** Seconds a scheduled new key is published before it signs (the JWKS cache lifetime of your resource servers). */
  @IntSetting(0, 604_800)
  KEY_ROTATION_ACTIVATE_AFTER = 3600;

  /** `json` (one object per line), `text`, or `auto`: text on a terminal, JSON otherwise. */
  @IsIn(['auto', 'json', 'text'])
  LOG_FORMAT: 'auto' | 'json' | 'text' = 'auto';

  /** One log line per request (level `log`): method, route, status, duration, client id. */
  @BooleanSetting()
  ACCESS_LOG = true;

  /**
   * Outside Nest modules loaded with the application (server, CLI and OpenAPI writer alike): a
   * comma-separated list of paths (relative to the working directory) or package names (resolved
   * from the server’s own node_modules), each
   * optionally `#ExportName` to pick one export; otherwise every exported Nest module is loaded.
   */
  @IsOptional()
  @ValidateBy({
    name: 'extensionModules',
    validator: {
      validate: (value) => typeof value === 'string' && parseExtensionModules(value).every((entry) => EXTENSION_MODULE.test(entry)),
      defaultMessage: () => 'a comma-separated list of module paths or package names, each optionally followed by #ExportName',
    },
  })
  EXTENSION_MODULES?: string = undefined;

  /**
   * RFC 8628 device authorization grant (src/device/): loaded with the server unless false, e.g.
   * to run without it, or to load that module through EXTENSION_MODULES as any outside module.
   */
  @BooleanSetting()
  DEVICE_AUTHORIZATION = true;

  /** Lifetime of a device code and its user code, in seconds (RFC 8628 §3.2 expires_in). */
  @IntSetting(60, 86_400)
  DEVICE_CODE_TTL = 600;

  /** Seconds a device waits between polls of the token endpoint (RFC 8628 §3.2 interval). */
  @IntSetting(1, 60)
  DEVICE_CODE_INTERVAL = 5;

  /**
   * Audit events (and the token writes that carry token.issued events) of concurrent requests go
   * to the database in one multi-row INSERT and one commit: at most this many rows per INSERT.
   */
  @IntSetting(1, 1000)
  AUDIT_BATCH_MAX = 200;

  /**
   * How long, in milliseconds, the first event of a batch waits for others before the INSERT goes
   * (0: only the events that arrived in the same turn of the event loop, or while earlier INSERTs
   * ran). Each request still waits for the commit of its event before it is answered.
   */
  @IntSetting(0, 100)
  AUDIT_BATCH_LINGER_MS = 0;

  /**
   * RFC 7591 dynamic client registration at /register: `off`, `open` (anyone may register a
   * client) or `protected` (an initial access token from /admin/initial-access-tokens is needed).
   */
  @IsIn(['off', 'open', 'protected'])
  REGISTRATION: 'off' | 'open' | 'protected' = 'off';

  /** A JWK Set file: the keys whose signed software statements (RFC 7591 §2.3) /register accepts. */
  @IsOptional()
  @ReadableFile()
  REGISTRATION_SOFTWARE_STATEMENT_JWKS?: string = undefined;

  /**
   * Client ID Metadata Documents: a `client_id` that is an https URL names a document the server
   * fetches (draft-ietf-oauth-client-id-metadata-document, the MCP authorization specification).
   */
  @BooleanSetting()
  CLIENT_ID_METADATA_DOCUMENTS = false;

  /** Development only: fetch metadata documents from loopback and private addresses, over http too. */
  @BooleanSetting()
  CLIENT_ID_METADATA_DOCUMENT_ALLOW_PRIVATE = false;

  /** Hosts whose metadata documents are accepted, comma-separated, `*.example.com` for subdomains; unset: any host. */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  CLIENT_ID_METADATA_DOCUMENT_ALLOWED_HOSTS?: string = undefined;

  /** Hosts whose metadata documents are refused, in the same form (checked first). */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  CLIENT_ID_METADATA_DOCUMENT_DENIED_HOSTS?: string = undefined;
}

/** A path or package name, optionally `#ExportName` (a JavaScript identifier). */
const EXTENSION_MODULE = /^[^\s#,]+(#[A-Za-z_$][\w$]*)?$/;

function parseExtensionModules(value: string): string[] {
  return value.split(',').map((entry) => entry.trim());
}

/** One Redis (url), or the primary that Redis Sentinel names (url then gives password, database, TLS). */
export interface RedisTarget {
  readonly url?: string;
  readonly sentinels?: { readonly hosts: readonly DatabaseHost[]; readonly name: string };
}

export interface AppConfig {
  readonly port: number;
  readonly host?: string;
  /** 0: no management server and no metrics. */
  readonly managementPort: number;
  readonly issuer: string;
  readonly database:
    | { readonly type: 'sqlite'; readonly path: string }
    | {
        readonly type: 'mysql' | 'postgres';
        readonly host: string;
        readonly port: number;
        /** Every host when DB_HOST lists several (MySQL/MariaDB only), the first being host and port. */
        readonly hosts?: readonly DatabaseHost[];
        /** MariaDB Galera's wsrep_sync_wait for every connection (default 1). */
        readonly galeraSyncWait?: number;
        readonly username: string;
        readonly password: string;
        readonly database: string;
        /** TLS settings (DB_SSL=on): the CA certificates (PEM), and whether an unverified certificate is refused. */
        readonly ssl?: { readonly ca?: string; readonly rejectUnauthorized: boolean };
      };
  readonly defaults: {
    readonly accessTokenTtl: number;
    readonly refreshTokenTtl: number;
    readonly authorizationCodeTtl: number;
    readonly pkceRequired: boolean;
    readonly pkcePlainAllowed: boolean;
    /** Off until an administrator turns it on (settings): no variable, clients must be ready first. */
    readonly requirePushedAuthorizationRequests: boolean;
    /** Null: the metadata-document host lists of the environment (clientIdMetadataDocuments) apply. */
    readonly metadataDocumentAllowedHosts: string[] | null;
    readonly metadataDocumentDeniedHosts: string[] | null;
  };
  readonly loginSessionTtl: number;
  /** The proxies whose X-Forwarded-* headers are believed, by address or CIDR (empty: none). */
  readonly trustProxy: readonly string[];
  /** The first admin; passwordFile receives a generated password (ADMIN_PASSWORD unset). */
  readonly admin: { readonly username: string; readonly password?: string; readonly passwordFile: string };
  readonly refreshReuseGraceSeconds: number;
  readonly tokenRetryWindowSeconds: number;
  /** Where writes in doubt are kept until compensated (token-outbox.ts). */
  readonly tokenOutboxDir: string;
  readonly tokenOutboxLeaseSeconds: number;
  readonly bruteForce: {
    readonly loginMaxFailures: number;
    readonly loginLockoutSeconds: number;
    readonly clientAuthMaxFailures: number;
    readonly clientAuthLockoutSeconds: number;
  };
  /** Requests per IP per minute; 0 disables a limit. */
  readonly rateLimits: { readonly token: number; readonly authorize: number; readonly login: number };
  /** Whether lockouts and rate limits refuse (closed) or allow (open) while the counter store fails. */
  readonly counterStoreFailure: { readonly lockouts: 'closed' | 'open'; readonly rateLimits: 'closed' | 'open' };
  readonly redisUrl?: string;
  /** Where the counters, caches and replay stores live; undefined: in process (or the database). */
  readonly redis?: RedisTarget;
  readonly redisPrefix: string;
  readonly clientJwksUriCooldownSeconds: number;
  /** Whether a client's `jwks_uri` may be fetched from loopback and private addresses. */
  readonly clientJwksUriAllowPrivate: boolean;
  /** Where a trusted proxy passes the client certificate; undefined: not from headers. */
  readonly clientCertificateHeader?: { readonly name: string; readonly format: 'escaped-pem' | 'xfcc'; readonly verifyName?: string };
  /** The HTTPS listener that asks for client certificates, when configured (PEM contents, not paths). */
  readonly mtls?: { readonly port: number; readonly cert: string; readonly key: string; readonly clientCa?: string };
  /** Where clients reach the endpoints with a certificate (RFC 8705 §5 `mtls_endpoint_aliases`), when not under the issuer. */
  readonly mtlsEndpointBaseUrl?: string;
  readonly startupWaitSeconds: number;
  readonly requestTimeoutMs: number;
  readonly cleanup: { readonly intervalSeconds: number; readonly batchSize: number };
  readonly brandName: string;
  readonly logLevel: EnvironmentVariables['LOG_LEVEL'];
  readonly keyEncryptionSecret?: string;
  readonly idTokenTtl: number;
  /** RFC 9449: server nonces (required or not, rotation period) and the accepted age of a proof. */
  readonly dpop: { readonly nonceRequired: boolean; readonly nonceRotationSeconds: number; readonly proofMaxAgeSeconds: number };
  /** FAPI_PROFILE: the security profile of applications that name none. */
  readonly fapiProfile: 'fapi2-security' | null;
  /** MFA_DEFAULT, ACR_PASSWORD, ACR_MFA: the second-factor policy of applications without one, and the two acr names. */
  readonly mfa: { readonly defaultPolicy: 'off' | 'optional' | 'required'; readonly passwordAcr: string; readonly mfaAcr: string };
  /** WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS, WEBAUTHN_ATTESTATION: the passkey relying party. */
  readonly webauthn: {
    readonly rpId: string;
    readonly origins: readonly string[];
    readonly attestation: 'none' | 'direct' | 'enterprise';
    /** WEBAUTHN_ATTESTATION_ROOTS: PEM certificates, one each; empty with attestation `none`. */
    readonly attestationRoots: readonly string[];
  };
  readonly keyRotation: { readonly days: number; readonly activateAfter: number };
  readonly otlpEndpoint?: string;
  readonly logFormat: EnvironmentVariables['LOG_FORMAT'];
  readonly accessLog: boolean;
  /** EXTENSION_MODULES: `specifier` or `specifier#ExportName`, in order (app.extensions.ts loads them). */
  readonly extensionModules: readonly string[];
  /** RFC 8628: whether the device module is loaded, the codes' lifetime and the polling interval (seconds). */
  readonly device: { readonly enabled: boolean; readonly codeTtl: number; readonly interval: number };
  /** AUDIT_BATCH_MAX, AUDIT_BATCH_LINGER_MS: the group commit of audit events. */
  readonly auditBatch: { readonly max: number; readonly lingerMs: number };
  /** RFC 7591: who may register clients, and the JWK Set (parsed) that signs accepted software statements. */
  readonly registration: { readonly mode: 'off' | 'open' | 'protected'; readonly softwareStatementJwks?: unknown };
  /** Client ID Metadata Documents: on or off, and whether private and loopback addresses may serve them (development). */
  readonly clientIdMetadataDocuments: {
    readonly enabled: boolean;
    readonly allowPrivateAddresses: boolean;
    /** Host patterns (`host` or `*.domain`); null: any host. */
    readonly allowedHosts: readonly string[] | null;
    readonly deniedHosts: readonly string[];
  };
}

export class ConfigError extends Error {}

/** Every variable the server reads: each is a field of EnvironmentVariables, optional ones initialised to undefined. */
export const ENVIRONMENT_VARIABLE_NAMES: readonly string[] = Object.keys(new EnvironmentVariables());

/** Injection token of the whole AppConfig, for composition roots (cli.ts); a class injects the slices it reads (InjectConfig). */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Validates the environment and returns the typed configuration. Throws a ConfigError whose
 * message is one line per bad variable, naming it.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const present = Object.fromEntries(ENVIRONMENT_VARIABLE_NAMES.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]));
  const vars = plainToInstance(EnvironmentVariables, present);
  const errors = validateSync(vars, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const shown = shownValue(e.property, String(present[e.property] ?? ''));
      // Decorators apply bottom-up: the last constraint is the first one written (e.g. IsInt before Max).
      const why = Object.values(e.constraints ?? {}).at(-1) ?? 'invalid';
      return `Invalid environment variable ${e.property}${shown}: ${why}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  if (vars.DB_TYPE !== 'sqlite' && !vars.KEY_ENCRYPTION_SECRET) {
    // Every instance must decrypt the signing keys the others made: a generated file would differ per host.
    throw new ConfigError(
      `Missing environment variable KEY_ENCRYPTION_SECRET: required with DB_TYPE=${vars.DB_TYPE} (at least 32 characters, the same on every instance; it encrypts the signing keys)`,
    );
  }
  if (vars.MTLS_PORT !== undefined && (!vars.MTLS_CERT || !vars.MTLS_KEY)) {
    throw new ConfigError('Missing environment variable MTLS_CERT or MTLS_KEY: required with MTLS_PORT (the HTTPS listener needs its certificate and key)');
  }
  if (vars.REDIS_SENTINELS !== undefined && vars.REDIS_SENTINEL_NAME === undefined) {
    throw new ConfigError('Missing environment variable REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the name the sentinels monitor the primary under)');
  }
  const postgres = vars.DB_TYPE === 'postgres';
  const hosts = parseDatabaseHosts(vars.DB_HOST, vars.DB_PORT ?? (postgres ? 5432 : 3306));
  if (hosts.length > 1 && vars.DB_TYPE !== 'mysql') {
    throw new ConfigError(`Invalid environment variable DB_HOST=${vars.DB_HOST}: several hosts need DB_TYPE=mysql (MariaDB Galera)`);
  }
  return {
    port: vars.PORT,
    host: vars.HOST,
    managementPort: vars.MANAGEMENT_PORT,
    issuer: (vars.ISSUER ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    database:
      vars.DB_TYPE === 'sqlite'
        ? { type: 'sqlite', path: vars.DB_PATH }
        : {
            type: vars.DB_TYPE,
            host: hosts[0].host,
            port: hosts[0].port,
            ...(hosts.length > 1 ? { hosts } : {}),
            ...(vars.DB_TYPE === 'mysql' ? { galeraSyncWait: vars.DB_GALERA_SYNC_WAIT } : {}),
            username: vars.DB_USERNAME ?? (postgres ? 'postgres' : 'root'),
            password: vars.DB_PASSWORD,
            database: vars.DB_NAME,
            ...(vars.DB_SSL
              ? { ssl: { ...(vars.DB_SSL_CA ? { ca: readFileSync(vars.DB_SSL_CA, 'utf8') } : {}), rejectUnauthorized: vars.DB_SSL_REJECT_UNAUTHORIZED } }
              : {}),
          },
    defaults: {
      accessTokenTtl: vars.ACCESS_TOKEN_TTL,
      refreshTokenTtl: vars.REFRESH_TOKEN_TTL,
      authorizationCodeTtl: vars.AUTHORIZATION_CODE_TTL,
      pkceRequired: vars.PKCE_REQUIRED,
      pkcePlainAllowed: vars.PKCE_PLAIN_ALLOWED,
      requirePushedAuthorizationRequests: false,
      metadataDocumentAllowedHosts: null,
      metadataDocumentDeniedHosts: null,
    },
    loginSessionTtl: vars.LOGIN_SESSION_TTL,
    trustProxy: parseTrustProxy(vars.TRUST_PROXY),
    admin: { username: vars.ADMIN_USERNAME, password: vars.ADMIN_PASSWORD, passwordFile: vars.ADMIN_PASSWORD_FILE },
    refreshReuseGraceSeconds: vars.REFRESH_REUSE_GRACE_SECONDS,
    tokenRetryWindowSeconds: vars.TOKEN_RETRY_WINDOW_SECONDS,
    tokenOutboxDir: vars.TOKEN_OUTBOX_DIR,
    tokenOutboxLeaseSeconds: vars.TOKEN_OUTBOX_LEASE_SECONDS,
    bruteForce: {
      loginMaxFailures: vars.LOGIN_MAX_FAILURES,
      loginLockoutSeconds: vars.LOGIN_LOCKOUT_SECONDS,
      clientAuthMaxFailures: vars.CLIENT_AUTH_MAX_FAILURES,
      clientAuthLockoutSeconds: vars.CLIENT_AUTH_LOCKOUT_SECONDS,
    },
    rateLimits: {
      token: vars.RATE_LIMIT_TOKEN_PER_MINUTE,
      authorize: vars.RATE_LIMIT_AUTHORIZE_PER_MINUTE,
      login: vars.RATE_LIMIT_LOGIN_PER_MINUTE,
    },
    counterStoreFailure: { lockouts: vars.LOCKOUT_STORE_FAILURE, rateLimits: vars.RATE_LIMIT_STORE_FAILURE },
    redisUrl: vars.REDIS_URL,
    redis: redisTarget(vars),
    redisPrefix: vars.REDIS_PREFIX,
    clientJwksUriCooldownSeconds: vars.CLIENT_JWKS_URI_COOLDOWN_SECONDS,
    clientJwksUriAllowPrivate: vars.CLIENT_JWKS_URI_ALLOW_PRIVATE,
    clientCertificateHeader: vars.CLIENT_CERTIFICATE_HEADER
      ? {
          name: vars.CLIENT_CERTIFICATE_HEADER.toLowerCase(),
          format: vars.CLIENT_CERTIFICATE_HEADER_FORMAT,
          ...(vars.CLIENT_CERTIFICATE_VERIFY_HEADER ? { verifyName: vars.CLIENT_CERTIFICATE_VERIFY_HEADER.toLowerCase() } : {}),
        }
      : undefined,
    mtls:
      vars.MTLS_PORT !== undefined && vars.MTLS_CERT && vars.MTLS_KEY
        ? {
            port: vars.MTLS_PORT,
            cert: readFileSync(vars.MTLS_CERT, 'utf8'),
            key: readFileSync(vars.MTLS_KEY, 'utf8'),
            ...(vars.MTLS_CLIENT_CA ? { clientCa: readFileSync(vars.MTLS_CLIENT_CA, 'utf8') } : {}),
          }
        : undefined,
    mtlsEndpointBaseUrl: mtlsEndpointBaseUrl(vars),
    startupWaitSeconds: vars.STARTUP_WAIT_SECONDS,
    requestTimeoutMs: vars.REQUEST_TIMEOUT_MS,
    cleanup: { intervalSeconds: vars.CLEANUP_INTERVAL_SECONDS, batchSize: vars.CLEANUP_BATCH_SIZE },
    brandName: vars.BRAND_NAME.trim(),
    logLevel: vars.LOG_LEVEL,
    keyEncryptionSecret: vars.KEY_ENCRYPTION_SECRET,
    idTokenTtl: vars.ID_TOKEN_TTL,
    dpop: {
      nonceRequired: vars.DPOP_NONCE_REQUIRED,
      nonceRotationSeconds: vars.DPOP_NONCE_ROTATION_SECONDS,
      proofMaxAgeSeconds: vars.DPOP_PROOF_MAX_AGE_SECONDS,
    },
    fapiProfile: vars.FAPI_PROFILE ?? null,
    mfa: { defaultPolicy: vars.MFA_DEFAULT, passwordAcr: vars.ACR_PASSWORD.trim(), mfaAcr: vars.ACR_MFA.trim() },
    webauthn: webauthnRelyingParty(vars),
    keyRotation: { days: vars.KEY_ROTATION_DAYS, activateAfter: vars.KEY_ROTATION_ACTIVATE_AFTER },
    otlpEndpoint: vars.OTEL_EXPORTER_OTLP_ENDPOINT,

    logFormat: vars.LOG_FORMAT,
    accessLog: vars.ACCESS_LOG,
    extensionModules: vars.EXTENSION_MODULES === undefined ? [] : parseExtensionModules(vars.EXTENSION_MODULES),
    device: { enabled: vars.DEVICE_AUTHORIZATION, codeTtl: vars.DEVICE_CODE_TTL, interval: vars.DEVICE_CODE_INTERVAL },
    auditBatch: { max: vars.AUDIT_BATCH_MAX, lingerMs: vars.AUDIT_BATCH_LINGER_MS },
    registration: {
      mode: vars.REGISTRATION,
      ...(vars.REGISTRATION_SOFTWARE_STATEMENT_JWKS ? { softwareStatementJwks: readJwks(vars.REGISTRATION_SOFTWARE_STATEMENT_JWKS) } : {}),
    },
    clientIdMetadataDocuments: {
      enabled: vars.CLIENT_ID_METADATA_DOCUMENTS,
      allowPrivateAddresses: vars.CLIENT_ID_METADATA_DOCUMENT_ALLOW_PRIVATE,
      allowedHosts: vars.CLIENT_ID_METADATA_DOCUMENT_ALLOWED_HOSTS === undefined ? null : hostList(vars.CLIENT_ID_METADATA_DOCUMENT_ALLOWED_HOSTS),
      deniedHosts: vars.CLIENT_ID_METADATA_DOCUMENT_DENIED_HOSTS === undefined ? [] : hostList(vars.CLIENT_ID_METADATA_DOCUMENT_DENIED_HOSTS),
    },
  };
}

/** A domain name: dot-separated labels of letters, digits and hyphens. */
const RP_ID = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * The WebAuthn relying party: its id (WebAuthn §5.1.4: a domain, by default the issuer's host) and
 * the origins allowed to run ceremonies for it, each of which must be that domain or under it
 * (§5.1.4.1, HTML's "registrable domain suffix"), over https except on localhost.
 */
function webauthnRelyingParty(vars: EnvironmentVariables): AppConfig['webauthn'] {
  const issuer = new URL(vars.ISSUER ?? `http://localhost:${vars.PORT}`);
  const issuerHost = issuer.hostname.replace(/^\[|\]$/g, '');
  const loopback = issuerHost === '127.0.0.1' || issuerHost === '::1';
  const rpId = (vars.WEBAUTHN_RP_ID ?? (loopback ? 'localhost' : issuerHost)).toLowerCase();
  let origins: string[];
  if (vars.WEBAUTHN_ORIGINS !== undefined) {
    origins = vars.WEBAUTHN_ORIGINS.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (origins.length === 0)
      throw new ConfigError('Invalid environment variable WEBAUTHN_ORIGINS="": name at least one origin, e.g. https://login.example.com');
    origins = origins.map((entry) => webauthnOrigin(entry, rpId));
  } else {
    // A development issuer on the loopback address is also reached as localhost, the RP id.
    origins = [issuer.origin, ...(loopback ? [`${issuer.protocol}//localhost${issuer.port ? `:${issuer.port}` : ''}`] : [])];
    // A chosen RP id must cover the issuer's origin; the derived one always does.
    if (vars.WEBAUTHN_RP_ID !== undefined && !loopback) origins = origins.map((entry) => webauthnOrigin(entry, rpId, 'WEBAUTHN_RP_ID'));
  }
  return { rpId, origins, attestation: vars.WEBAUTHN_ATTESTATION, attestationRoots: attestationRoots(vars) };
}

/**
 * The roots of WEBAUTHN_ATTESTATION_ROOTS. Without trust anchors the library takes any chain, so an
 * attestation the server asks for (direct, enterprise) would prove nothing: they are required then.
 */
function attestationRoots(vars: EnvironmentVariables): string[] {
  if (vars.WEBAUTHN_ATTESTATION === 'none') return [];
  const path = vars.WEBAUTHN_ATTESTATION_ROOTS;
  if (path === undefined) {
    throw new ConfigError(
      `Missing environment variable WEBAUTHN_ATTESTATION_ROOTS: required with WEBAUTHN_ATTESTATION=${vars.WEBAUTHN_ATTESTATION} (the root certificates attestations must chain to)`,
    );
  }
  const pems = readFileSync(path, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const invalid = (why: string) => new ConfigError(`Invalid environment variable WEBAUTHN_ATTESTATION_ROOTS=${JSON.stringify(path)}: ${why}`);
  if (pems.length === 0) throw invalid('holds no PEM certificate');
  for (const pem of pems) {
    try {
      new X509Certificate(pem);
    } catch {
      throw invalid('holds a certificate that cannot be read');
    }
  }
  return pems;
}

function webauthnOrigin(entry: string, rpId: string, variable = 'WEBAUTHN_ORIGINS'): string {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new ConfigError(`Invalid environment variable ${variable}: ${JSON.stringify(entry)} is not an origin (e.g. https://login.example.com)`);
  }
  const host = url.hostname.toLowerCase();
  if (url.origin !== entry.replace(/\/+$/, '') && variable === 'WEBAUTHN_ORIGINS') {
    throw new ConfigError(`Invalid environment variable WEBAUTHN_ORIGINS: ${JSON.stringify(entry)} is not an origin (scheme, host and port only)`);
  }
  if (url.protocol !== 'https:' && host !== 'localhost' && variable === 'WEBAUTHN_ORIGINS') {
    throw new ConfigError(`Invalid environment variable ${variable}: ${JSON.stringify(entry)}: passkeys need https (or http://localhost)`);
  }
  if (host !== rpId && !host.endsWith(`.${rpId}`)) {
    throw new ConfigError(`Invalid environment variable ${variable}: origin ${url.origin} is not on the relying party id ${rpId} (WebAuthn §5.1.4.1)`);
  }
  return url.origin;
}

function hostList(value: string): string[] {
  return value
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
}

function readJwks(path: string): unknown {
  try {
    const jwks = JSON.parse(readFileSync(path, 'utf8')) as { keys?: unknown };
    if (!Array.isArray(jwks.keys)) throw new Error('no "keys" array');
    return jwks;
  } catch (error) {
    throw new ConfigError(`Invalid environment variable REGISTRATION_SOFTWARE_STATEMENT_JWKS=${path}: not a JWK Set (${(error as Error).message})`);
  }
}

function redisTarget(vars: EnvironmentVariables): RedisTarget | undefined {
  if (vars.REDIS_SENTINELS !== undefined && vars.REDIS_SENTINEL_NAME !== undefined) {
    const hosts = parseHosts('REDIS_SENTINELS', vars.REDIS_SENTINELS, 26379);
    return { ...(vars.REDIS_URL ? { url: vars.REDIS_URL } : {}), sentinels: { hosts, name: vars.REDIS_SENTINEL_NAME } };
  }
  return vars.REDIS_URL ? { url: vars.REDIS_URL } : undefined;
}

/** Secrets are never written back, not even when refused: the error line ends up in log files. */
const SECRET_VARIABLES = new Set(['ADMIN_PASSWORD', 'DB_PASSWORD', 'KEY_ENCRYPTION_SECRET']);

/** RFC 8705 §5: MTLS_ENDPOINT_BASE_URL, else with MTLS_PORT the issuer's host on that port over https; else none. */
function mtlsEndpointBaseUrl(vars: EnvironmentVariables): string | undefined {
  if (vars.MTLS_ENDPOINT_BASE_URL) return vars.MTLS_ENDPOINT_BASE_URL.replace(/\/+$/, '');
  if (vars.MTLS_PORT === undefined) return undefined;
  const url = new URL(vars.ISSUER ?? `http://localhost:${vars.PORT}`);
  url.protocol = 'https:';
  url.port = String(vars.MTLS_PORT);
  return url.href.replace(/\/+$/, '');
}

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function shownValue(name: string, value: string): string {
  if (SECRET_VARIABLES.has(name)) return ' (value hidden)';
  // A Redis URL may carry a password (redis://:secret@host): show the rest.
  if (name === 'REDIS_URL') return `=${JSON.stringify(value.replace(/\/\/[^@/]*@/, '//***@'))}`;
  return `=${JSON.stringify(value)}`;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function parseTrustProxy(value: string): string[] {
  return value.trim() === 'false' ? [] : value.split(',').map((entry) => entry.trim());
}

/** Why a TRUST_PROXY value is refused, in one line that says what to write instead; undefined when it is fine. */
function trustProxyProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === 'true' || /^\d+$/.test(trimmed)) {
    return 'a hop count or `true` believes X-Forwarded-For from any peer; name the proxies by address instead, e.g. TRUST_PROXY=10.0.0.0/8 or TRUST_PROXY=loopback';
  }
  if (trimmed === 'false') return undefined;
  const bad = parseTrustProxy(trimmed).find((entry) => !PROXY_NAMES.has(entry) && !isAddressOrCidr(entry));
  return bad === undefined
    ? undefined
    : `${JSON.stringify(bad)} is not a proxy address, CIDR or one of loopback, linklocal, uniquelocal (comma-separated, e.g. TRUST_PROXY=10.0.0.0/8,192.168.1.10)`;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
