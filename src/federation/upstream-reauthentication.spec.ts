import { UpstreamRefused } from './federated-accounts';
import type { UpstreamLoginStateEntity } from './upstream-login-state.entity';
import type { UpstreamProviderEntity } from './upstream-provider.entity';
import { assertAuthenticatedSinceRequest, requestedAt, UPSTREAM_STATE_TTL } from './upstream-sign-in.service';

describe('assertAuthenticatedSinceRequest', () => {
  const sent = 1_800_000_000;
  const provider = { displayName: 'Corp SSO' } as UpstreamProviderEntity;
  const state = (forceAuthentication: boolean, maxAge: number | null) =>
    ({ forceAuthentication, maxAge, expiresAt: sent + UPSTREAM_STATE_TTL }) as UpstreamLoginStateEntity;
  const check = (s: UpstreamLoginStateEntity, at: number | null) => () => assertAuthenticatedSinceRequest(s, provider, at, 'auth_time');

  it('checks nothing for a sign-in that asked for neither a new authentication nor a max_age', () => {
    expect(requestedAt(state(false, null))).toBe(sent);
    expect(check(state(false, null), null)).not.toThrow();
    expect(check(state(false, null), sent - 86_400)).not.toThrow();
  });

  it('takes, under max_age, an authentication at most max_age (plus 30 s of skew) before the sign-in was sent', () => {
    expect(check(state(false, 300), sent - 300)).not.toThrow();
    expect(check(state(false, 300), sent - 330)).not.toThrow();
    expect(check(state(false, 300), sent + 5)).not.toThrow();
  });

  it('refuses, under max_age, an older authentication or none stated, naming which', () => {
    expect(check(state(false, 300), sent - 331)).toThrow(UpstreamRefused);
    expect(check(state(false, 300), sent - 331)).toThrow('(auth_time older than the max_age it asked for)');
    expect(check(state(false, 300), null)).toThrow('(no auth_time)');
  });

  it('wants a new authentication, since the request, when one was asked for, whatever the max_age', () => {
    expect(check(state(true, null), sent - 10)).not.toThrow();
    expect(check(state(true, null), sent - 31)).toThrow('(auth_time before the request)');
  });
});
