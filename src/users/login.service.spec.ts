import type { AuditService } from '../audit/audit.service';
import type { MetricsService } from '../metrics/metrics.service';
import type { ThrottleService } from '../security/throttle.service';
import { LoginService } from './login.service';
import { DirectoryUnavailableError, UserDirectories, UserDirectory } from './user-directories';
import type { LoginCandidate, UserProfile, UsersService } from './users.service';

const alice = { id: 'u-alice', username: 'alice', enabled: true, source: 'local' } as UserProfile;
const dora = { id: 'u-dora', username: 'dora', enabled: true, source: 'ldap:d1' } as UserProfile;

/** Users: alice is local (password "alice-pw"), dora comes from directory d1. */
class FakeUsers {
  readonly checked: (string | null)[] = [];
  findForLogin(login: string): Promise<LoginCandidate | null> {
    const hash = { alice: '$argon2id$...', dora: '!ldap:d1' }[login];
    return Promise.resolve(hash ? ({ id: `u-${login}`, passwordHash: hash } as LoginCandidate) : null);
  }
  checkPassword(candidate: LoginCandidate | null, password: string): Promise<UserProfile | null> {
    this.checked.push(candidate?.id ?? null);
    return Promise.resolve(candidate?.id === 'u-alice' && password === 'alice-pw' ? alice : null);
  }
}

class FakeDirectory implements UserDirectory {
  readonly asked: string[] = [];
  down = false;
  authenticate(login: string, password: string): Promise<UserProfile | null> {
    this.asked.push(login);
    if (this.down) return Promise.reject(new DirectoryUnavailableError('connect ECONNREFUSED'));
    return Promise.resolve(login === 'dora' && password === 'dora-pw' ? dora : null);
  }
}

describe('LoginService with a user directory', () => {
  let users: FakeUsers;
  let directory: FakeDirectory;
  let attempts: string[];
  let logins: LoginService;

  beforeEach(() => {
    users = new FakeUsers();
    directory = new FakeDirectory();
    attempts = [];
    const throttle = { countLoginAttempt: (key: string) => (attempts.push(key), Promise.resolve(0)), loginSucceeded: () => Promise.resolve() };
    const audit = { record: () => Promise.resolve() };
    const metrics = { signIn: () => undefined };
    const directories = new UserDirectories();
    directories.register(directory);
    logins = new LoginService(
      users as unknown as UsersService,
      throttle as unknown as ThrottleService,
      audit as unknown as AuditService,
      metrics as unknown as MetricsService,
      directories,
    );
  });

  it('checks a local user’s password here, never in the directory', async () => {
    expect(await logins.attempt('alice', 'alice-pw', 'password_grant')).toEqual({ ok: true, user: alice });
    expect(directory.asked).toEqual([]);
  });

  it('checks a federated user’s password in the directory, never against the local column', async () => {
    expect(await logins.attempt('dora', 'dora-pw', 'password_grant')).toEqual({ ok: true, user: dora });
    expect(users.checked).toEqual([]);
  });

  it('asks the directory about an unknown name, and spends a decoy verification when it says no', async () => {
    expect(await logins.attempt('zed', 'x', 'login_page')).toEqual({ ok: false, reason: 'invalid' });
    expect(directory.asked).toEqual(['zed']);
    expect(users.checked).toEqual([null]);
  });

  it('answers unavailable when the directory does not answer, the attempt counted all the same', async () => {
    directory.down = true;
    expect(await logins.attempt('dora', 'dora-pw', 'password_grant')).toEqual({ ok: false, reason: 'unavailable' });
    expect(attempts).toEqual(['user:u-dora']);
  });

  it('refuses a second directory registration', () => {
    const directories = new UserDirectories();
    directories.register(directory);
    expect(() => directories.register(new FakeDirectory())).toThrow('a user directory is registered already');
  });
});

describe('LoginService: the same work whoever signs in', () => {
  it('verifies one password for a right password, a wrong one and an unknown name, counting and auditing each attempt alike', async () => {
    const calls: string[] = [];
    const users = new FakeUsers();
    const throttle = {
      countLoginAttempt: () => (calls.push('countLoginAttempt'), Promise.resolve(0)),
      loginSucceeded: () => (calls.push('loginSucceeded'), Promise.resolve()),
    };
    const audit = { record: () => (calls.push('audit'), Promise.resolve()) };
    const logins = new LoginService(
      users as unknown as UsersService,
      throttle as unknown as ThrottleService,
      audit as unknown as AuditService,
      { signIn: () => undefined } as unknown as MetricsService,
      new UserDirectories(),
    );
    const work = async (username: string, password: string) => {
      calls.length = 0;
      users.checked.length = 0;
      await logins.attempt(username, password, 'login_page');
      return { calls: [...calls], verifications: users.checked.length };
    };
    const wrong = await work('alice', 'nope');
    const unknown = await work('zed', 'nope');
    const right = await work('alice', 'alice-pw');
    expect(wrong).toEqual({ calls: ['countLoginAttempt', 'audit'], verifications: 1 });
    expect(unknown).toEqual(wrong);
    // A right password also clears the lockout counter; nothing about second factors is looked up here.
    expect(right).toEqual({ calls: ['countLoginAttempt', 'loginSucceeded', 'audit'], verifications: 1 });
  });
});
