import type { LoginResult, LoginService } from '../../users/login.service';
import type { SignInAttempt, SignInFactorsService } from '../../users/factors/sign-in-factors.service';
import type { MfaPolicy } from '../../common/oauth/authentication';
import { needsSecondFactor } from '../../users/factors/mfa-policy';
import { PasswordGrant } from './password.grant';
import { aClient, aUser, InMemoryTokens } from './testing/in-memory';

/** A LoginService that knows one user with one password, and counts the attempts. */
class FakeLogins {
  attempts = 0;
  locked = false;
  constructor(private readonly user = aUser()) {}
  async attempt(username: string, password: string): Promise<LoginResult> {
    this.attempts++;
    if (this.locked) return { ok: false, reason: 'locked', retryAfter: 60 };
    return username === this.user.username && password === 'secret' ? { ok: true, user: this.user } : { ok: false, reason: 'invalid' };
  }
}

const MFA_NAMES = { passwordAcr: '0', mfaAcr: 'urn:test:mfa' };

/** The sign-in factors policy for one user, and the sign-ins it was asked about. */
class FakeFactors {
  readonly asked: SignInAttempt[] = [];
  constructor(
    private readonly hasFactor: boolean,
    private readonly defaultPolicy: MfaPolicy,
  ) {}
  async pendingFactor(attempt: SignInAttempt): Promise<'verify' | 'enrol' | null> {
    this.asked.push(attempt);
    if (!needsSecondFactor(attempt.client?.mfa ?? this.defaultPolicy, [], this.hasFactor, MFA_NAMES)) return null;
    return this.hasFactor ? 'verify' : 'enrol';
  }
}

/** `hasFactor`: whether the user has a second factor; `defaultPolicy`: the server's MFA_DEFAULT. */
function setup(user = aUser(), { hasFactor = false, defaultPolicy = 'optional' }: { hasFactor?: boolean; defaultPolicy?: MfaPolicy } = {}) {
  const tokens = new InMemoryTokens();
  const logins = new FakeLogins(user);
  const factors = new FakeFactors(hasFactor, defaultPolicy);
  return {
    tokens,
    logins,
    factors,
    grant: new PasswordGrant(tokens.asIssuer(), logins as unknown as LoginService, factors as unknown as SignInFactorsService, { defaultPolicy, ...MFA_NAMES }),
  };
}

describe('password grant (RFC 6749 §4.3)', () => {
  it('issues access and refresh tokens to the resource owner whose credentials are right', async () => {
    const { tokens, grant } = setup();
    const response = await grant.handle({ username: 'alice', password: 'secret', scope: 'read' }, aClient());
    expect(response).toMatchObject({ scope: 'read', refresh_token: expect.any(String) });
    expect(tokens.issued[0]).toMatchObject({ userId: 'user-1', scope: 'read', withRefreshToken: true });
  });

  it('refuses a user who has a second factor (the grant cannot ask for it) once the password is right', async () => {
    const { tokens, grant } = setup(aUser(), { hasFactor: true });
    const refused = await grant.handle({ username: 'alice', password: 'secret' }, aClient()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'invalid_grant', description: expect.stringContaining('second factor') });
    const wrong = await grant.handle({ username: 'alice', password: 'nope' }, aClient()).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ description: 'invalid resource owner credentials' });
    expect(tokens.issued).toHaveLength(0);
  });

  it('refuses every user of an application whose policy requires a second factor, and lets mfa "off" through', async () => {
    const required = setup(aUser(), { defaultPolicy: 'required' });
    await expect(required.grant.handle({ username: 'alice', password: 'secret' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
    const off = setup(aUser(), { hasFactor: true });
    await expect(off.grant.handle({ username: 'alice', password: 'secret' }, aClient({ mfa: 'off' }))).resolves.toMatchObject({ token_type: 'Bearer' });
    expect(off.tokens.issued[0]).toMatchObject({ authentication: { amr: ['pwd'], acr: '0' } });
  });

  it('asks the factors policy once after a right password, with a password-only sign-in, whether the user has a factor or not', async () => {
    for (const hasFactor of [true, false]) {
      const { factors, grant } = setup(aUser(), { hasFactor });
      await grant.handle({ username: 'alice', password: 'secret' }, aClient()).catch(() => undefined);
      expect(factors.asked).toEqual([{ userId: 'user-1', client: expect.objectContaining({ id: aClient().id }), authentication: { amr: ['pwd'], acr: '0' } }]);
    }
  });

  it('looks up no factor for a wrong password or an unknown user, with or without a factor: the same work for each', async () => {
    for (const hasFactor of [true, false]) {
      const { factors, logins, grant } = setup(aUser(), { hasFactor });
      await grant.handle({ username: 'alice', password: 'nope' }, aClient()).catch(() => undefined);
      await grant.handle({ username: 'bob', password: 'secret' }, aClient()).catch(() => undefined);
      expect(logins.attempts).toBe(2);
      expect(factors.asked).toEqual([]);
    }
  });

  it('answers a wrong password with invalid_grant, and the same message as for an unknown user', async () => {
    const { grant } = setup();
    const wrong = grant.handle({ username: 'alice', password: 'nope' }, aClient()).catch((e: unknown) => e);
    const unknown = grant.handle({ username: 'bob', password: 'secret' }, aClient()).catch((e: unknown) => e);
    expect(await wrong).toMatchObject({ code: 'invalid_grant', description: 'invalid resource owner credentials' });
    expect(await unknown).toMatchObject({ code: 'invalid_grant', description: 'invalid resource owner credentials' });
  });

  it('answers a locked account with invalid_grant', async () => {
    const { logins, grant } = setup();
    logins.locked = true;
    await expect(grant.handle({ username: 'alice', password: 'secret' }, aClient())).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('refuses a scope the client may not use with invalid_scope before checking the password', async () => {
    const { logins, grant } = setup();
    await expect(grant.handle({ username: 'alice', password: 'secret', scope: 'delete' }, aClient())).rejects.toMatchObject({ code: 'invalid_scope' });
    expect(logins.attempts).toBe(0);
  });

  it('gives no reserved scope by default, even to an administrator: admin is issued only on request', async () => {
    const { tokens, grant } = setup(aUser({ roles: ['admin'] }));
    await grant.handle({ username: 'alice', password: 'secret' }, aClient({ scope: 'read admin' }));
    expect(tokens.issued[0]).toMatchObject({ scope: 'read' });
  });
});
