import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import type { TableColumnOptions } from 'typeorm';

/**
 * A migration that adds one column to one table (and drops it on the way down). Its subclass states
 * its `name` as a literal, as every migration does: a class name does not survive minification.
 */
export abstract class AddColumnMigration implements MigrationInterface {
  abstract readonly name: string;

  protected constructor(
    private readonly table: string,
    private readonly column: TableColumnOptions,
  ) {}

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(this.table, new TableColumn(this.column));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn(this.table, this.column.name);
  }
}
