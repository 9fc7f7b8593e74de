import type { SigningKeysService } from '../../keys/signing-keys.service';
import { PushedRequestSeal } from './pushed-request-seal';

const keys = { derivedKey: () => Buffer.alloc(32, 1) } as unknown as SigningKeysService;
const row = 'a'.repeat(64);
const pushed = { pushed: true, signed: false, pushedRequestId: row };
const params = { client_id: 'app', response_type: 'code', redirect_uri: 'https://app.example/cb', scope: 'read' };

describe('PushedRequestSeal', () => {
  const seal = new PushedRequestSeal(keys);

  afterEach(() => jest.useRealTimers());

  it('vouches for the origin of exactly the sealed parameters of the sealed client', () => {
    const value = seal.seal('app', pushed, params);
    expect(seal.verify('app', { ...params, csrf_token: 'x', username: 'alice' }, value)).toEqual(pushed);
    expect(seal.verify('app', params, seal.seal('app', { pushed: false, signed: true }, params))).toEqual({ pushed: false, signed: true });
  });

  it.each([
    ['a changed parameter', { ...params, scope: 'read write' }],
    ['an added parameter', { ...params, prompt: 'none' }],
    ['a removed parameter', { client_id: 'app', response_type: 'code', redirect_uri: 'https://app.example/cb' }],
    ['a repeated parameter', { ...params, scope: ['read', 'read'] }],
  ])('refuses %s', (_name, raw) => {
    expect(seal.verify('app', raw, seal.seal('app', pushed, params))).toBeNull();
  });

  it('refuses another client, altered flags, garbage, and a seal past its deadline', () => {
    const value = seal.seal('app', pushed, params);
    expect(seal.verify('other', params, value)).toBeNull();
    expect(seal.verify('app', params, value.replace('.10.', '.11.'))).toBeNull();
    // The pushed request's row travels with it so its answer spends that one: it cannot be swapped or dropped.
    expect(seal.verify('app', params, value.replace(`.${row}.`, `.${'b'.repeat(64)}.`))).toBeNull();
    expect(seal.verify('app', params, value.replace(`.${row}.`, '.'))).toBeNull();
    expect(seal.verify('app', params, 'nonsense')).toBeNull();
    expect(seal.verify('app', params, undefined)).toBeNull();
    jest.useFakeTimers({ now: Date.now() + 1801_000 });
    expect(seal.verify('app', params, value)).toBeNull();
  });
});
