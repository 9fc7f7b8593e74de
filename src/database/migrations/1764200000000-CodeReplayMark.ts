import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Marks a code that was presented again, so the winner of a race also revokes what it issued. */
export class CodeReplayMark1764200000000 implements MigrationInterface {
  name = 'CodeReplayMark1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('authorization_codes', new TableColumn({ name: 'replayed_at', type: 'bigint', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('authorization_codes', 'replayed_at');
  }
}
