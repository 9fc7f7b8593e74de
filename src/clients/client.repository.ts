import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { containing } from '../common/database/containing';
import { largestValue } from '../database/rows/largest-value';
import { RowsById } from '../database/unit-of-work/rows-by-id';
import { ClientEntity } from './client.entity';

/** Every statement on the clients table. Writes join the current unit of work when there is one. */
export abstract class ClientRepository {
  /** By client_id; concurrent lookups (every token request authenticates its client) share one query. */
  abstract findById(clientId: string): Promise<ClientEntity | null>;
  /** One page of clients, oldest first, optionally those whose name contains `nameContains`. */
  abstract list(skip: number, take: number, nameContains?: string): Promise<{ rows: ClientEntity[]; total: number }>;
  /** The longest access token lifetime any client sets, or 0. */
  abstract longestAccessTokenTtl(): Promise<number>;
  abstract insert(client: ClientEntity): Promise<void>;
  abstract update(clientId: string, changes: Partial<ClientEntity>): Promise<void>;
  abstract delete(clientId: string): Promise<void>;
}

@Injectable()
export class TypeOrmClientRepository extends RowsById<ClientEntity> implements ClientRepository {
  constructor(@InjectRepository(ClientEntity) repository: Repository<ClientEntity>) {
    super(repository);
  }

  async list(skip: number, take: number, nameContains?: string): Promise<{ rows: ClientEntity[]; total: number }> {
    const [rows, total] = await this.repository.findAndCount({
      where: nameContains ? { clientName: containing(nameContains) } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      skip,
      take,
    });
    return { rows, total };
  }

  longestAccessTokenTtl(): Promise<number> {
    return largestValue(this.repository, 'accessTokenTtl');
  }
}
