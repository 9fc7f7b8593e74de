import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { spendRowsWith } from '../../database/unit-of-work/spend-rows';
import { transactional } from '../../database/unit-of-work/unit-of-work';
import { PushedAuthorizationRequestEntity } from './pushed-authorization-request.entity';

/** Every statement on pushed_authorization_requests. */
@Injectable()
export class PushedAuthorizationRequestRepository {
  constructor(@InjectRepository(PushedAuthorizationRequestEntity) private readonly repository: Repository<PushedAuthorizationRequestEntity>) {}

  async insert(row: PushedAuthorizationRequestEntity): Promise<void> {
    await transactional(this.repository).insert(row);
  }

  find(id: string): Promise<PushedAuthorizationRequestEntity | null> {
    return this.repository.findOneBy({ id });
  }

  /**
   * Marks the row spent at `now` unless it already was (the dialect's atomic spend), in the current
   * unit of work, which must be running; true when this call spent it.
   */
  async spend(id: string, now: number): Promise<boolean> {
    const spent = await spendRowsWith(transactional(this.repository).manager, PushedAuthorizationRequestEntity, 'spentAt', [id], now);
    return spent.length === 1;
  }
}
