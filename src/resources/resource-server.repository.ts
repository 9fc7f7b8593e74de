import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { batchedLookup } from '../database/rows/batched-lookup';
import { largestValue } from '../database/rows/largest-value';
import { RowsById } from '../database/unit-of-work/rows-by-id';
import { ResourceServerEntity } from './resource-server.entity';

/** Every statement on the resource servers table. Writes join the current unit of work when there is one. */
export abstract class ResourceServerRepository {
  /** By RFC 8707 identifier; concurrent lookups share one query. */
  abstract findByIdentifier(identifier: string): Promise<ResourceServerEntity | null>;
  abstract findById(id: string): Promise<ResourceServerEntity | null>;
  /** Every resource server, oldest first. */
  abstract list(): Promise<ResourceServerEntity[]>;
  /** The longest access token lifetime any resource server sets, or 0. */
  abstract longestAccessTokenTtl(): Promise<number>;
  abstract insert(resource: ResourceServerEntity): Promise<void>;
  abstract update(id: string, changes: Partial<ResourceServerEntity>): Promise<void>;
  abstract delete(id: string): Promise<void>;
}

@Injectable()
export class TypeOrmResourceServerRepository extends RowsById<ResourceServerEntity> implements ResourceServerRepository {
  private readonly byIdentifier: (identifier: string) => Promise<ResourceServerEntity | null>;

  constructor(@InjectRepository(ResourceServerEntity) repository: Repository<ResourceServerEntity>) {
    super(repository);
    this.byIdentifier = batchedLookup(repository, 'identifier');
  }

  findByIdentifier(identifier: string): Promise<ResourceServerEntity | null> {
    return this.byIdentifier(identifier);
  }

  list(): Promise<ResourceServerEntity[]> {
    return this.repository.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  longestAccessTokenTtl(): Promise<number> {
    return largestValue(this.repository, 'accessTokenTtl');
  }
}
