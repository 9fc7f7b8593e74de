import { QueryFailedError } from 'typeorm';
import type { AuthenticatedClient } from '../clients/clients.service';
import type { TransactionRunner } from '../common/database/transaction-runner';
import type { AuditService } from '../audit/audit.service';
import type { SettingsService } from '../settings/settings.service';
import type { AppConfig } from '../config/app-config';
import { TokenService } from './token.service';

const client = { id: 'c1', grantTypes: ['refresh_token'], accessTokenTtl: null, refreshTokenTtl: null, accessTokenFormat: 'opaque' } as unknown as AuthenticatedClient;

function service(run: jest.Mock) {
  const repository = { manager: { connection: { options: { type: 'mysql' } } }, metadata: {} };
  const settings = { get: async () => ({ accessTokenTtl: 3600, refreshTokenTtl: 86400 }) } as unknown as SettingsService;
  const audit = { row: jest.fn(() => ({})), insert: jest.fn(async () => undefined) } as unknown as AuditService;
  // Opaque tokens without a resource: the resource servers and signing keys are never asked.
  const unused = {} as never;
  return new TokenService({ run } as unknown as TransactionRunner, repository as never, repository as never, settings, audit, unused, unused, { issuer: 'https://as.example' } as AppConfig);
}

const deadlock = () => new QueryFailedError('UPDATE …', [], Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK' }));
const context = { client, userId: 'u1', scope: 'read', withRefreshToken: true } as const;

describe('TokenService batched writes', () => {
  it('runs a batch again when InnoDB rolled it back as a deadlock victim', async () => {
    const run = jest.fn().mockRejectedValueOnce(deadlock()).mockResolvedValueOnce(['stored']);
    const issued = await service(run).issueClaimed(context, { kind: 'refresh_token', id: 'r1' });
    expect(run).toHaveBeenCalledTimes(2);
    expect(issued).toMatchObject({ token_type: 'Bearer', scope: 'read', refresh_token: expect.any(String) });
  });

  it('does not retry other failures, and gives up on deadlocks after a few attempts', async () => {
    const failing = jest.fn().mockRejectedValue(new Error('connection lost'));
    await expect(service(failing).issueClaimed(context, { kind: 'refresh_token', id: 'r1' })).rejects.toThrow('connection lost');
    expect(failing).toHaveBeenCalledTimes(1);
    const alwaysDeadlocked = jest.fn().mockRejectedValue(deadlock());
    await expect(service(alwaysDeadlocked).issueClaimed(context, { kind: 'refresh_token', id: 'r1' })).rejects.toThrow(QueryFailedError);
    expect(alwaysDeadlocked).toHaveBeenCalledTimes(4);
  });

  it('answers null when another request spent the input first', async () => {
    const run = jest.fn().mockResolvedValue(['spent_elsewhere']);
    expect(await service(run).issueClaimed(context, { kind: 'authorization_code', id: 'code1' })).toBeNull();
  });
});
