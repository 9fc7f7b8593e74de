import type { IDToken } from 'openid-client';
import { upstreamAuthentication } from './upstream-sign-in.service';

const idToken = (claims: Record<string, unknown>) => ({ iss: 'https://up.example', sub: 's', aud: 'a', exp: 1, iat: 0, ...claims }) as IDToken;

describe('upstreamAuthentication', () => {
  it('keeps the amr values (RFC 8176) and the acr of the upstream ID Token', () => {
    expect(upstreamAuthentication(idToken({ amr: ['pwd', 'otp'], acr: 'urn:example:loa:2' }))).toEqual({ amr: ['pwd', 'otp'], acr: 'urn:example:loa:2' });
  });

  it('drops malformed amr values and an amr that is not an array; no acr is "0"', () => {
    expect(upstreamAuthentication(idToken({ amr: ['hwk', 7, 'with space', ''] }))).toEqual({ amr: ['hwk'], acr: '0' });
    expect(upstreamAuthentication(idToken({ amr: 'pwd', acr: 42 }))).toEqual({ amr: [], acr: '0' });
  });

  it('keeps what fits the record when the upstream sends many methods', () => {
    const many = Array.from({ length: 40 }, (_, i) => `method-${i}`);
    const { amr } = upstreamAuthentication(idToken({ amr: many }));
    expect(JSON.stringify(amr).length).toBeLessThanOrEqual(255);
    expect(amr).toEqual(many.slice(0, amr.length));
  });
});
