import { Logger } from '@nestjs/common';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientsService } from '../clients/clients.service';
import type { UsersService } from '../users/users.service';
import { AdminBootstrapService } from './admin-bootstrap.service';

/** No administrator yet; with `racing`, another instance creates one just before this one's insert. */
class FakeUsers {
  racing = false;
  readonly created: string[] = [];
  private admins = 0;
  anyWithRole(): Promise<boolean> {
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

  const bootstrap = (passwordFile: string) =>
    new AdminBootstrapService(users as unknown as UsersService, clients as unknown as ClientsService, {
      username: 'admin',
      passwordFile,
    }).onApplicationBootstrap();

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
