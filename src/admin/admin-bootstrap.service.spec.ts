import { Logger } from '@nestjs/common';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientsService } from '../clients/clients.service';
import type { UsersService } from '../users/users.service';
import { AdminBootstrapService } from './admin-bootstrap.service';

/** No administrator yet; with `racing`, another instance creates one just before this one's insert. */
class FakeUsers {
  racing = false;
  /** Another instance creates an administrator right after this one's first look. */
  appearsAfterFirstLook = false;
  readonly created: string[] = [];
  private admins = 0;
  private looks = 0;
  anyWithRole(): Promise<boolean> {
    if (this.appearsAfterFirstLook && this.looks++ > 0) return Promise.resolve(true);
    return Promise.resolve(this.admins > 0);
  }
  existsByUsername(): Promise<boolean> {
    return Promise.resolve(false);
  }
  create(input: { username: string }): Promise<void> {
    this.admins += 1;
    if (this.racing) return Promise.reject(new Error('duplicate key'));
    this.created.push(input.username);
    return Promise.resolve();
  }
}

/** The admin-cli client exists already. */
const clients = { get: () => Promise.resolve({ clientId: 'admin-cli' }) };

describe('AdminBootstrapService without ADMIN_PASSWORD', () => {
  let home: string;
  let users: FakeUsers;
  let lines: string[];
  let spies: jest.SpyInstance[];

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'oauth-admin-bootstrap-'));
    users = new FakeUsers();
    lines = [];
    spies = (['log', 'warn', 'error'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void lines.push(`${level}: ${args.map(String).join(' ')}`)),
    );
  });
  afterEach(() => {
    spies.forEach((spy) => spy.mockRestore());
    rmSync(home, { recursive: true, force: true });
  });

  const bootstrap = (passwordFile: string, database: { type: 'sqlite' | 'mysql'; path?: string } = { type: 'mysql' }) =>
    new AdminBootstrapService(
      users as unknown as UsersService,
      clients as unknown as ClientsService,
      { username: 'admin', passwordFile },
      database,
    ).onApplicationBootstrap();

  it('leaves a file it did not write in place, creates no administrator, and says the file is left over', async () => {
    const passwordFile = join(home, 'initial-admin-password');
    writeFileSync(passwordFile, 'older\n');
    await bootstrap(passwordFile);
    expect(users.created).toEqual([]);
    expect(readFileSync(passwordFile, 'utf8')).toBe('older\n');
    expect(lines).toEqual([
      `error: Could not write the generated administrator password to ${passwordFile} (EEXIST: left by an earlier start; delete it if no administrator was created from it): set ADMIN_PASSWORD, or ADMIN_PASSWORD_FILE to a new file in a writable directory`,
    ]);
  });

  it('reports nothing when the file exists because another instance created the administrator meanwhile', async () => {
    const passwordFile = join(home, 'initial-admin-password');
    writeFileSync(passwordFile, 'theirs\n');
    users.appearsAfterFirstLook = true;
    await bootstrap(passwordFile);
    expect(users.created).toEqual([]);
    expect(readFileSync(passwordFile, 'utf8')).toBe('theirs\n');
    expect(lines).toEqual([]);
  });

  it('replaces the file of an earlier start for an in-memory database, which starts empty each time', async () => {
    const passwordFile = join(home, 'initial-admin-password');
    writeFileSync(passwordFile, 'older\n');
    await bootstrap(passwordFile, { type: 'sqlite', path: ':memory:' });
    expect(users.created).toEqual(['admin']);
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password).not.toBe('older');
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(lines.join('\n')).not.toContain(password);
  });

  it('removes the file it wrote when another instance created an administrator meanwhile: that password names no account', async () => {
    users.racing = true;
    await bootstrap(join(home, 'initial-admin-password'));
    expect(readdirSync(home)).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('creates no administrator when the file cannot be written, and says what to set instead', async () => {
    writeFileSync(join(home, 'not-a-folder'), '');
    const passwordFile = join(home, 'not-a-folder', 'initial-admin-password');
    await bootstrap(passwordFile);
    expect(users.created).toEqual([]);
    expect(lines).toEqual([
      `error: Could not write the generated administrator password to ${passwordFile} (EEXIST): set ADMIN_PASSWORD, or ADMIN_PASSWORD_FILE to a new file in a writable directory`,
    ]);
  });
});
