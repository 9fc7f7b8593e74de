import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, Repository } from 'typeorm';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { TokenRevocationEntity } from './entities/token-revocation.entity';

/** Every statement on the token_revocations table; TokenRevocations keeps the rules and the mirror. */
export abstract class TokenRevocationRepository {
  /** The rows among `ids` (by primary key). */
  abstract find(ids: readonly string[]): Promise<TokenRevocationEntity[]>;
  /** Every row not yet expired at `now` (epoch seconds). */
  abstract unexpired(now: number): Promise<TokenRevocationEntity[]>;
  /** Stores `rows` in the current unit of work, replacing the rows of the same ids. */
  abstract record(rows: readonly TokenRevocationEntity[]): Promise<void>;
}

@Injectable()
export class TypeOrmTokenRevocationRepository implements TokenRevocationRepository {
  constructor(@InjectRepository(TokenRevocationEntity) private readonly repository: Repository<TokenRevocationEntity>) {}

  find(ids: readonly string[]): Promise<TokenRevocationEntity[]> {
    return this.repository.findBy({ id: In([...ids]) });
  }

  unexpired(now: number): Promise<TokenRevocationEntity[]> {
    return this.repository.findBy({ expiresAt: MoreThan(now) });
  }

  async record(rows: readonly TokenRevocationEntity[]): Promise<void> {
    // A later revocation of the same subject moves its not-before time on (INSERT … ON CONFLICT / ON DUPLICATE KEY UPDATE).
    if (rows.length > 0) await transactional(this.repository).upsert([...rows], ['id']);
  }
}
