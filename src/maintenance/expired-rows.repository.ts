import { Injectable } from '@nestjs/common';
import { In, LessThan } from 'typeorm';
import type { ExpiringTable } from '../database/extensions/expiring-table';
import { DatabaseStatus } from '../database/unit-of-work/database-status';

/** The janitor's statements: expired rows of any registered expiring table, by primary key. */
export abstract class ExpiredRowsRepository {
  /** Deletes at most `limit` rows of `table` that expired before `now`, outside any unit of work; returns how many. */
  abstract deleteExpired(table: ExpiringTable, now: number, limit: number): Promise<number>;
}

@Injectable()
export class TypeOrmExpiredRowsRepository implements ExpiredRowsRepository {
  constructor(private readonly database: DatabaseStatus) {}

  async deleteExpired({ entity, expiresAt }: ExpiringTable, now: number, limit: number): Promise<number> {
    const repository = this.database.repositoryOf(entity);
    // Ids first, then a delete by primary key: no statement scans and locks a range of the expiry index.
    const batch = await repository.find({ select: { id: true }, where: { [expiresAt]: LessThan(now) }, take: limit });
    if (batch.length > 0) await repository.delete({ id: In(batch.map((row) => row.id)) });
    return batch.length;
  }
}
