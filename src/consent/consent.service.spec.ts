import { DataSource, EntityManager } from 'typeorm';
import { createTestDatabase, TEST_DB, TestDatabase } from '../../test/support/databases';
import { dataSourceOptions } from '../database/data-source.options';
import type { AuditJournal } from '../database/unit-of-work/audit-journal';
import { TransactionRunner } from '../database/unit-of-work/transaction-runner';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import type { AuthorizationCodeService } from '../tokens/authorization-code.service';
import type { TokenStore } from '../tokens/token-store';
import { ConsentEntity } from './consent.entity';
import { ConsentService } from './consent.service';
import { TypeOrmConsentRepository } from './consent.repository';

describe(`ConsentService.grant [${TEST_DB}]`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let consents: ConsentService;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions({ database: database.database })).initialize();
    const journal: AuditJournal = { append: async () => undefined };
    // grant() uses only the repository and the unit of work.
    const work = new UnitOfWork(new TransactionRunner(dataSource), journal);
    consents = new ConsentService(
      new TypeOrmConsentRepository(dataSource.getRepository(ConsentEntity)),
      {} as TokenStore,
      {} as AuthorizationCodeService,
      work,
    );
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  afterEach(() => jest.restoreAllMocks());

  it('merges into the row another request inserted between its read and its insert, in the same transaction', async () => {
    await dataSource.getRepository(ConsentEntity).insert({ id: 'c1', userId: 'u1', clientId: 'app', scope: 'read', createdAt: 1, updatedAt: 1 });
    // The read that came before the other request's commit: it saw no row.
    jest.spyOn(EntityManager.prototype, 'findOneBy').mockResolvedValueOnce(null);
    await consents.grant('u1', 'app', 'write');
    const rows = await dataSource.getRepository(ConsentEntity).findBy({ userId: 'u1', clientId: 'app' });
    expect(rows.map((row) => row.scope)).toEqual(['read write']);
  });
});
