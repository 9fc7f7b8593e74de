import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { batchedLookup } from '../database/rows/batched-lookup';
import { largestValue } from '../database/rows/largest-value';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { ResourceServerEntity } from './resource-server.entity';

/** Every statement on the resource servers table. Writes join the current unit of work when there is one. */
export abstract class ResourceServerRepository {
  /** By RFC 8707 identifier; concurrent lookups share one query. */
  abstract findByIdentifier(identifier: string): Promise<ResourceServerEntity | null>;
  abstract get(id: string): Promise<ResourceServerEntity | null>;
  /** Every resource server, oldest first. */
  abstract list(): Promise<ResourceServerEntity[]>;
  /** The longest access token lifetime any resource server sets, or 0. */
  abstract longestAccessTokenTtl(): Promise<number>;
  abstract insert(resource: ResourceServerEntity): Promise<void>;
  abstract update(id: string, changes: Partial<ResourceServerEntity>): Promise<void>;
  abstract delete(id: string): Promise<void>;
}

@Injectable()
export class TypeOrmResourceServerRepository implements ResourceServerRepository {
  private readonly byIdentifier: (identifier: string) => Promise<ResourceServerEntity | null>;

  constructor(@InjectRepository(ResourceServerEntity) private readonly repository: Repository<ResourceServerEntity>) {
    this.byIdentifier = batchedLookup(repository, 'identifier');
  }

  findByIdentifier(identifier: string): Promise<ResourceServerEntity | null> {
    return this.byIdentifier(identifier);
  }

  get(id: string): Promise<ResourceServerEntity | null> {
    return this.repository.findOneBy({ id });
  }

  list(): Promise<ResourceServerEntity[]> {
    return this.repository.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  longestAccessTokenTtl(): Promise<number> {
    return largestValue(this.repository, 'accessTokenTtl');
  }

  async insert(resource: ResourceServerEntity): Promise<void> {
    await transactional(this.repository).insert(resource);
  }

  async update(id: string, changes: Partial<ResourceServerEntity>): Promise<void> {
    await transactional(this.repository).update({ id }, changes);
  }

  async delete(id: string): Promise<void> {
    await transactional(this.repository).delete({ id });
  }
}
