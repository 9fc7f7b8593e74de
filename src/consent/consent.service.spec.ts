import { DataSource, EntityManager } from 'typeorm';
import { createTestDatabase, TEST_DB, TestDatabase } from '../../test/support/databases';
import type { AuditService } from '../audit/audit.service';
import { dataSourceOptions } from '../database/data-source.options';
import type { TransactionRunner } from '../database/unit-of-work/transaction-runner';
import type { AuthorizationCodeService } from '../tokens/authorization-code.service';
import type { TokenStore } from '../tokens/token-store';
import { ConsentEntity } from './consent.entity';
import { ConsentService } from './consent.service';

describe(`ConsentService.grant [${TEST_DB}]`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let consents: ConsentService;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions({ database: database.database })).initialize();
    const audit = { recordIn: async () => undefined } as unknown as AuditService;
    // grant() uses only the repository and the audit trail.
    consents = new ConsentService(dataSource.getRepository(ConsentEntity), {} as TokenStore, {} as AuthorizationCodeService, audit, {} as TransactionRunner);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('merges into the row another request inserted between its read and its insert, in the same transaction', async () => {
    await dataSource.getRepository(ConsentEntity).insert({ id: 'c1', userId: 'u1', clientId: 'app', scope: 'read', createdAt: 1, updatedAt: 1 });
    await dataSource.transaction(async (manager: EntityManager) => {
      // The read that came before the other request's commit: it saw no row.
      jest.spyOn(manager, 'findOneBy').mockResolvedValueOnce(null);
      await consents.grant(manager, 'u1', 'app', 'write');
    });
    const rows = await dataSource.getRepository(ConsentEntity).findBy({ userId: 'u1', clientId: 'app' });
    expect(rows.map((row) => row.scope)).toEqual(['read write']);
  });
});
