import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { ClientRegistrationEntity } from './client-registration.entity';

/** Every statement on client_registrations; writes join the current unit of work. */
@Injectable()
export class ClientRegistrationRepository {
  constructor(@InjectRepository(ClientRegistrationEntity) private readonly repository: Repository<ClientRegistrationEntity>) {}

  find(clientId: string): Promise<ClientRegistrationEntity | null> {
    return this.repository.findOneBy({ clientId });
  }

  async insert(row: ClientRegistrationEntity): Promise<void> {
    await transactional(this.repository).insert(this.repository.create(row));
  }

  async update(clientId: string, changes: Partial<Omit<ClientRegistrationEntity, 'clientId'>>): Promise<void> {
    await transactional(this.repository).update({ clientId }, changes as QueryDeepPartialEntity<ClientRegistrationEntity>);
  }

  /** Inserts or replaces the row (metadata documents are fetched again when stale). */
  async upsert(row: ClientRegistrationEntity): Promise<void> {
    await transactional(this.repository).upsert(this.repository.create(row) as QueryDeepPartialEntity<ClientRegistrationEntity>, ['clientId']);
  }

  async delete(clientId: string): Promise<void> {
    await transactional(this.repository).delete({ clientId });
  }
}
