import type { LoginResult, LoginService } from '../../users/login.service';
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

function setup(user = aUser()) {
  const tokens = new InMemoryTokens();
  const logins = new FakeLogins(user);
  return { tokens, logins, grant: new PasswordGrant(tokens.asIssuer(), logins as unknown as LoginService) };
}

describe('password grant (RFC 6749 §4.3)', () => {
  it('issues access and refresh tokens to the resource owner whose credentials are right', async () => {
    const { tokens, grant } = setup();
    const response = await grant.handle({ username: 'alice', password: 'secret', scope: 'read' }, aClient());
    expect(response).toMatchObject({ scope: 'read', refresh_token: expect.any(String) });
    expect(tokens.issued[0]).toMatchObject({ userId: 'user-1', scope: 'read', withRefreshToken: true });
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
