import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { InitialAccessTokenEntity } from './initial-access-token.entity';

/** Every statement on initial_access_tokens; writes join the current unit of work. */
@Injectable()
export class InitialAccessTokenRepository {
  constructor(@InjectRepository(InitialAccessTokenEntity) private readonly repository: Repository<InitialAccessTokenEntity>) {}

  create(row: InitialAccessTokenEntity): InitialAccessTokenEntity {
    return this.repository.create(row);
  }

  async insert(row: InitialAccessTokenEntity): Promise<void> {
    await transactional(this.repository).insert(row);
  }

  list(): Promise<InitialAccessTokenEntity[]> {
    return this.repository.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(id: string): Promise<InitialAccessTokenEntity | null> {
    return this.repository.findOneBy({ id });
  }

  findByHash(tokenHash: string): Promise<InitialAccessTokenEntity | null> {
    return this.repository.findOneBy({ tokenHash });
  }

  async revoke(id: string, now: number): Promise<void> {
    await transactional(this.repository).update({ id, revokedAt: IsNull() }, { revokedAt: now });
  }

  /** One more use, unless revoked or used up meanwhile: true when this statement counted it. */
  async countUse(row: InitialAccessTokenEntity): Promise<boolean> {
    const query = transactional(this.repository)
      .createQueryBuilder()
      .update()
      .set({ uses: () => 'uses + 1' })
      .where('id = :id AND revoked_at IS NULL', { id: row.id });
    if (row.maxUses !== null) query.andWhere('uses < :max', { max: row.maxUses });
    return (await query.execute()).affected === 1;
  }
}
