import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CacheBus } from '../cache/cache-bus.service';
import { InvalidatingCache } from '../cache/invalidating-cache';
import type { AuthenticatedClient } from '../clients/clients.service';
import { batchedLookup } from '../common/database/batched-lookup';
import { OAuthError } from '../common/oauth/oauth-error';
import { nowSeconds } from '../common/time';
import type { AccessTokenFormat } from '../common/oauth/access-token-format';
import type { SigningAlgorithm } from '../keys/signing-key.entity';
import { ResourceServerEntity } from './resource-server.entity';

const TOPIC = 'resource-server';

export interface NewResourceServer {
  readonly identifier: string;
  readonly name: string;
  readonly scope: string;
  readonly accessTokenFormat: AccessTokenFormat;
  readonly accessTokenSigningAlg: SigningAlgorithm;
  readonly accessTokenTtl: number | null;
}

/** Registered resource servers, looked up by identifier on every token request that names one. */
@Injectable()
export class ResourceServersService {
  private readonly cache: InvalidatingCache<ResourceServerEntity>;
  private readonly byIdentifier: (identifier: string) => Promise<ResourceServerEntity | null>;

  constructor(
    @InjectRepository(ResourceServerEntity) private readonly repository: Repository<ResourceServerEntity>,
    private readonly bus: CacheBus,
  ) {
    this.cache = bus.createCache<ResourceServerEntity>(TOPIC, 60_000, 1000);
    this.byIdentifier = batchedLookup(repository, 'identifier');
  }

  find(identifier: string): Promise<ResourceServerEntity | null> {
    return this.cache.get(identifier, () => this.byIdentifier(identifier));
  }

  /**
   * The resource server a client asks for (RFC 8707 §2): registered, and listed among the
   * client's resources; otherwise invalid_target.
   */
  async forClient(client: AuthenticatedClient, identifier: string): Promise<ResourceServerEntity> {
    const resource = client.resources.includes(identifier) ? await this.find(identifier) : null;
    if (!resource) throw new OAuthError('invalid_target', 'unknown resource, or one this client may not request');
    return resource;
  }

  async create(input: NewResourceServer): Promise<ResourceServerEntity> {
    const now = nowSeconds();
    const entity = this.repository.create({ id: randomUUID(), ...input, createdAt: now, updatedAt: now });
    await this.repository.insert(entity);
    await this.bus.invalidate(TOPIC, entity.identifier);
    return entity;
  }

  list(): Promise<ResourceServerEntity[]> {
    return this.repository.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  get(id: string): Promise<ResourceServerEntity | null> {
    return this.repository.findOneBy({ id });
  }

  async update(entity: ResourceServerEntity, changes: Partial<NewResourceServer>): Promise<ResourceServerEntity> {
    await this.repository.update({ id: entity.id }, { ...changes, updatedAt: nowSeconds() });
    await this.bus.invalidate(TOPIC, entity.identifier);
    return (await this.get(entity.id))!;
  }

  async delete(entity: ResourceServerEntity): Promise<void> {
    await this.repository.delete({ id: entity.id });
    await this.bus.invalidate(TOPIC, entity.identifier);
  }
}
