import type { IDToken } from 'openid-client';
import { mapClaims } from './federated-accounts';
import type { UpstreamProviderEntity } from './upstream-provider.entity';

const provider = (email: string) => ({ displayName: 'Corp', claimMapping: { subject: 'sub', email, name: 'name' } }) as unknown as UpstreamProviderEntity;
const claims = (extra: Record<string, unknown>) => ({ sub: 'u-1', email_verified: true, ...extra }) as unknown as IDToken;

describe('mapClaims: what an upstream ID Token says of the account', () => {
  it('takes the e-mail as verified when the email claim itself is verified (OpenID Connect Core §5.1)', () => {
    expect(mapClaims(provider('email'), claims({ email: 'a@example.com' }))).toMatchObject({ email: 'a@example.com', emailVerified: true });
  });

  it('never takes an address mapped from another claim as verified, whatever email_verified says', () => {
    expect(mapClaims(provider('upn'), claims({ upn: 'admin@example.com' }))).toMatchObject({ email: 'admin@example.com', emailVerified: false });
  });
});
