import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};

/**
 * The environment variables the server reads, with their defaults. This is the only place that
 * knows about process.env (through loadConfig); everything else receives an AppConfig.
 */
export class EnvironmentVariables {
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsOptional() @IsString()
  HOST?: string;

  /** Public base URL of this server; the RFC 8414 `issuer`. Defaults to http://localhost:PORT. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  ISSUER?: string;

  @IsIn(['sqlite', 'mysql'])
  DB_TYPE: 'sqlite' | 'mysql' = 'sqlite';

  /** SQLite file; its folder is created on first start. */
  @IsString() @MinLength(1)
  DB_PATH = './data/oauth.sqlite';

  @IsString() @MinLength(1)
  DB_HOST = '127.0.0.1';

  @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  DB_PORT = 3306;

  @IsString() @MinLength(1)
  DB_USERNAME = 'root';

  @IsString()
  DB_PASSWORD = '';

  @IsString() @MinLength(1)
  DB_NAME = 'oauth';

  /** Default lifetimes in seconds; written to the settings table on first start, then managed there. */
  @Transform(toInt) @IsInt() @Min(1) @Max(31_536_000)
  ACCESS_TOKEN_TTL = 3600;

  @Transform(toInt) @IsInt() @Min(1) @Max(31_536_000)
  REFRESH_TOKEN_TTL = 1_209_600;

  @Transform(toInt) @IsInt() @Min(1) @Max(600)
  AUTHORIZATION_CODE_TTL = 300;

  @Transform(toBool) @IsBoolean()
  PKCE_REQUIRED = false;

  @Transform(toBool) @IsBoolean()
  PKCE_PLAIN_ALLOWED = false;

  /** Lifetime of the browser login session at the authorize endpoint, seconds. */
  @Transform(toInt) @IsInt() @Min(60) @Max(2_592_000)
  LOGIN_SESSION_TTL = 28_800;

  /** Express `trust proxy`: set when TLS ends at a load balancer, so cookies get `Secure`. */
  @Transform(toBool) @IsBoolean()
  TRUST_PROXY = false;

  /** The first admin, created on first start when no admin exists. */
  @IsString() @MinLength(1)
  ADMIN_USERNAME = 'admin';

  /** When empty on first start, a password is generated and printed once. */
  @IsOptional() @IsString() @MinLength(12)
  ADMIN_PASSWORD?: string;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export interface AppConfig {
  readonly port: number;
  readonly host?: string;
  readonly issuer: string;
  readonly database:
    | { readonly type: 'sqlite'; readonly path: string }
    | {
        readonly type: 'mysql';
        readonly host: string;
        readonly port: number;
        readonly username: string;
        readonly password: string;
        readonly database: string;
      };
  readonly defaults: {
    readonly accessTokenTtl: number;
    readonly refreshTokenTtl: number;
    readonly authorizationCodeTtl: number;
    readonly pkceRequired: boolean;
    readonly pkcePlainAllowed: boolean;
  };
  readonly loginSessionTtl: number;
  readonly trustProxy: boolean;
  readonly admin: { readonly username: string; readonly password?: string };
  readonly logLevel: EnvironmentVariables['LOG_LEVEL'];
}

export class ConfigError extends Error {}

/** Injection token of the AppConfig object. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Validates the environment and returns the typed configuration. Throws a ConfigError whose
 * message is one line per bad variable, naming it.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const present = Object.fromEntries(
    Object.keys(new EnvironmentVariables())
      .concat(['HOST', 'ISSUER', 'ADMIN_PASSWORD'])
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const vars = plainToInstance(EnvironmentVariables, present);
  const errors = validateSync(vars, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const shown = JSON.stringify(String(present[e.property] ?? ''));
      // Decorators apply bottom-up: the last constraint is the first one written (e.g. IsInt before Max).
      const why = Object.values(e.constraints ?? {}).at(-1) ?? 'invalid';
      return `Invalid environment variable ${e.property}=${shown}: ${why}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  return {
    port: vars.PORT,
    host: vars.HOST,
    issuer: (vars.ISSUER ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    database:
      vars.DB_TYPE === 'sqlite'
        ? { type: 'sqlite', path: vars.DB_PATH }
        : {
            type: 'mysql',
            host: vars.DB_HOST,
            port: vars.DB_PORT,
            username: vars.DB_USERNAME,
            password: vars.DB_PASSWORD,
            database: vars.DB_NAME,
          },
    defaults: {
      accessTokenTtl: vars.ACCESS_TOKEN_TTL,
      refreshTokenTtl: vars.REFRESH_TOKEN_TTL,
      authorizationCodeTtl: vars.AUTHORIZATION_CODE_TTL,
      pkceRequired: vars.PKCE_REQUIRED,
      pkcePlainAllowed: vars.PKCE_PLAIN_ALLOWED,
    },
    loginSessionTtl: vars.LOGIN_SESSION_TTL,
    trustProxy: vars.TRUST_PROXY,
    admin: { username: vars.ADMIN_USERNAME, password: vars.ADMIN_PASSWORD },
    logLevel: vars.LOG_LEVEL,
  };
}
