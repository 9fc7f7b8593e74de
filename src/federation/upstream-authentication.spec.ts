import type { IDToken } from 'openid-client';
import { upstreamAuthentication } from './upstream-sign-in.service';

const idToken = (claims: Record<string, unknown>) => ({ iss: 'https://up.example', sub: 's', aud: 'a', exp: 1, iat: 0, ...claims }) as IDToken;

describe('upstreamAuthentication', () => {
  it('keeps the amr values (RFC 8176) and the acr of the upstream ID Token', () => {
    expect(upstreamAuthentication(idToken({ amr: ['pwd', 'otp'], acr: 'urn:example:loa:2' }))).toEqual({ amr: '["pwd","otp"]', acr: 'urn:example:loa:2' });
  });

  it('drops malformed amr values and an amr that is not an array', () => {
    expect(upstreamAuthentication(idToken({ amr: ['hwk', 7, 'with space', ''] }))).toEqual({ amr: '["hwk"]', acr: null });
    expect(upstreamAuthentication(idToken({ amr: 'pwd', acr: 42 }))).toEqual({ amr: null, acr: null });
  });

  it('keeps what fits the column when the upstream sends many methods', () => {
    const many = Array.from({ length: 40 }, (_, i) => `method-${i}`);
    const stored = upstreamAuthentication(idToken({ amr: many })).amr!;
    expect(stored.length).toBeLessThanOrEqual(255);
    expect(JSON.parse(stored)).toEqual(many.slice(0, (JSON.parse(stored) as string[]).length));
  });
});
