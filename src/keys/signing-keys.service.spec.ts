import * as compact from './compact-jws';
import { compactJws, generateSigningKeyPair } from './compact-jws';
import type { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysService } from './signing-keys.service';

/** The service over a key list the test sets (read anew on each call), signing with the key of its own. */
function serviceWith(keys: SigningKeyEntity[]): SigningKeysService {
  const repository = { all: () => Promise.resolve(keys) };
  const bus = { createCache: () => ({ get: (_key: string, load: () => Promise<unknown>) => load() }) };
  const unused = undefined as never;
  return new SigningKeysService(repository as never, unused, unused, unused, unused, unused, bus as never, 'server', unused);
}

describe('SigningKeysService.verifyAccessToken', () => {
  const { publicKey, privateKey } = generateSigningKeyPair('ES256');
  const key = (publishedUntil: number | null): SigningKeyEntity =>
    ({ kid: 'k1', alg: 'ES256', publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, string>, publishedUntil }) as SigningKeyEntity;
  const token = () => compactJws({ iss: 'https://as.example', jti: 'j1' }, { alg: 'ES256', kid: 'k1', typ: 'at+jwt' }, privateKey);

  afterEach(() => jest.restoreAllMocks());

  it('checks the signature of a token once, and answers its claims again from what it verified', async () => {
    const keys = [key(null)];
    const service = serviceWith(keys);
    const verify = jest.spyOn(compact, 'verifyCompactJws');
    const jwt = await token();
    expect(await service.verifyAccessToken(jwt)).toMatchObject({ jti: 'j1' });
    expect(await service.verifyAccessToken(jwt)).toMatchObject({ jti: 'j1' });
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses a token it verified once its key is no longer published', async () => {
    const keys = [key(null)];
    const service = serviceWith(keys);
    const jwt = await token();
    expect(await service.verifyAccessToken(jwt)).not.toBeNull();
    keys[0] = key(1);
    expect(await service.verifyAccessToken(jwt)).toBeNull();
    keys.length = 0;
    expect(await service.verifyAccessToken(jwt)).toBeNull();
  });

  it('verifies a token whose payload differs from a verified one under the same signature, and refuses it', async () => {
    const service = serviceWith([key(null)]);
    const jwt = await token();
    expect(await service.verifyAccessToken(jwt)).not.toBeNull();
    const [header, , signature] = jwt.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ iss: 'https://as.example', jti: 'j2' })).toString('base64url')}.${signature}`;
    expect(await service.verifyAccessToken(forged)).toBeNull();
  });
});
