import { AuthorizationCodeOwners1767000000000 } from '../../src/database/migrations/1767000000000-AuthorizationCodeOwners';
import { createTestApp, type TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';

/**
 * Disabling or deleting a user or an application spends their codes inside the admin's
 * transaction (AuthorizationCodeService.voidUnredeemed): by index, not by locking every code row.
 */
describe(`the migrated authorization_codes table [${TEST_DB}]`, () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('has an index on user_id and one on client_id', async () => {
    const runner = t.dataSource.createQueryRunner();
    try {
      const table = await runner.getTable('authorization_codes');
      const indexed = table!.indices.map((index) => index.columnNames.join(','));
      expect(indexed).toEqual(expect.arrayContaining(['user_id', 'client_id']));
      // Run again (as after a run that failed between its statements): it adds nothing, and does not fail.
      await new AuthorizationCodeOwners1767000000000().up(runner);
      expect((await runner.getTable('authorization_codes'))!.indices).toHaveLength(table!.indices.length);
    } finally {
      await runner.release();
    }
  });
});
