import { DataSource } from 'typeorm';
import { createTestDatabase, entityDataSource, TEST_DB, TestDatabase } from '../../../test/support/databases';
import { clientRow } from '../../clients/client-defaults';
import { ClientEntity } from '../../clients/client.entity';
import { batchedLookup } from './batched-lookup';
import { selectRowsIn } from './select-rows';

const client = (id: string, enabled: boolean): ClientEntity =>
  clientRow(
    {
      id,
      clientName: `Client ${id}`,
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
      redirectUris: ['https://app.example/cb'],
      grantTypes: ['authorization_code', 'refresh_token'],
      scope: 'read write',
      enabled,
      createdAt: 1_700_000_000,
      updatedAt: 1_700_000_001,
    },
    { accessTokenTtl: 300 },
  );

describe(`selectRowsIn and batchedLookup [${TEST_DB}]`, () => {
  let database: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await entityDataSource(database, [ClientEntity]);
    await db.getRepository(ClientEntity).insert([client('a', true), client('b', false)]);
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  it('hydrates rows exactly as TypeORM does (JSON, booleans, nulls, bigint transformer)', async () => {
    const repository = db.getRepository(ClientEntity);
    const rows = await selectRowsIn<ClientEntity>(db.manager, repository.metadata, 'id', ['a', 'b', 'missing']);
    const expected = await repository.findBy({});
    expect(rows.sort((x, y) => x.id.localeCompare(y.id))).toEqual(expected.map((row) => ({ ...row })).sort((x, y) => x.id.localeCompare(y.id)));
    expect(rows[1].enabled).toBe(false);
  });

  it('answers concurrent lookups with one IN query, each with its own row or null', async () => {
    const query = jest.spyOn(db.manager, 'query');
    const load = batchedLookup(db.getRepository(ClientEntity), 'id');
    const results = await Promise.all(['a', 'b', 'a', 'missing'].map((id) => load(id)));
    expect(results.map((row) => row?.id ?? null)).toEqual(['a', 'b', 'a', null]);
    expect(query).toHaveBeenCalledTimes(1);
    expect(query.mock.calls[0][1]).toEqual(['a', 'b', 'missing']);
    query.mockRestore();
  });

  it('answers null for a key with a NUL character, without failing the other lookups of its batch', async () => {
    const load = batchedLookup(db.getRepository(ClientEntity), 'id');
    const results = await Promise.all(['a', 'a\0b', 'b'].map((id) => load(id)));
    expect(results.map((row) => row?.id ?? null)).toEqual(['a', null, 'b']);
  });

  it('sends a lookup made after a query started in a query of its own, so it sees later commits', async () => {
    const repository = db.getRepository(ClientEntity);
    const load = batchedLookup(repository, 'id');
    const before = await load('a');
    await repository.update({ id: 'a' }, { clientName: 'Renamed' });
    const after = await load('a');
    expect([before?.clientName, after?.clientName]).toEqual(['Client a', 'Renamed']);
  });
});
