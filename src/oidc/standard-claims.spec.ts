import type { UserProfile } from '../users/users.service';
import { CLAIMS_BY_SCOPE, claimsOfScope, releaseClaims, scopeOfClaim } from './standard-claims';

const ada = {
  id: 'u-1',
  username: 'ada',
  email: 'ada@example.com',
  emailVerified: true,
  name: 'Ada Lovelace',
  givenName: 'Ada',
  familyName: 'Lovelace',
  middleName: null,
  nickname: '',
  profile: null,
  picture: null,
  website: null,
  gender: null,
  birthdate: '1815-12-10',
  zoneinfo: null,
  locale: null,
  phoneNumber: null,
  phoneNumberVerified: true,
  address: {},
  updatedAt: 1_700_000_000,
} as unknown as UserProfile;

describe('standard claims (OpenID Connect Core §5.1, §5.4)', () => {
  it('maps each of the four standard scopes to its claims, and every claim to one scope', () => {
    expect(Object.keys(CLAIMS_BY_SCOPE)).toEqual(['openid', 'profile', 'email', 'address', 'phone']);
    expect(claimsOfScope('openid address phone read')).toEqual(['sub', 'address', 'phone_number', 'phone_number_verified']);
    expect(scopeOfClaim('birthdate')).toBe('profile');
    expect(scopeOfClaim('sub')).toBeUndefined();
  });

  it('omits claims without a value (null, empty, an empty address), and verified flags of absent values', () => {
    expect(releaseClaims(ada, claimsOfScope('openid profile email address phone'))).toEqual({
      sub: 'u-1',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'ada',
      birthdate: '1815-12-10',
      updated_at: 1_700_000_000,
      email: 'ada@example.com',
      email_verified: true,
    });
  });

  it('releases only the claims named', () => {
    expect(releaseClaims(ada, ['email'])).toEqual({ sub: 'u-1', email: 'ada@example.com' });
  });
});
