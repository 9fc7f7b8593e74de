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
    const config = loadConfig({ DB_TYPE: 'mysql', DB_HOST: 'db', DB_PORT: '3307', DB_NAME: 'x' });
    expect(config.database).toEqual({
      type: 'mysql',
      host: 'db',
      port: 3307,
      username: 'root',
      password: '',
      database: 'x',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['DB_TYPE', 'oracle'],
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
    ['false', false],
    ['true', 1],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
  ])('reads TRUST_PROXY=%s as %j (never "trust every hop")', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('rejects a TRUST_PROXY that is neither a flag, a hop count nor addresses', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow('Invalid environment variable TRUST_PROXY=');
  });

  it('strips a trailing slash from the issuer', () => {
    expect(loadConfig({ ISSUER: 'https://auth.example.com/' }).issuer).toBe('https://auth.example.com');
  });
});
