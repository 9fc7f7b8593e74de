import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CacheBus } from '../cache/cache-bus.service';
import { InvalidatingCache } from '../cache/invalidating-cache';
import type { AuthenticatedClient } from '../clients/clients.service';
import { OAuthError } from '../common/oauth/oauth-error';
import { nowSeconds } from '../common/time';
import { afterUnitOfWork } from '../database/unit-of-work/unit-of-work';
import type { AccessTokenFormat } from '../common/oauth/access-token-format';
import { AccessTokenLifetimes, AccessTokenLifetimesProvider } from '../keys/access-token-lifetimes';
import type { SigningAlgorithm } from '../keys/signing-key.entity';
import { ResourceServerEntity } from './resource-server.entity';
import { ResourceServerRepository } from './resource-server.repository';

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
@AccessTokenLifetimesProvider()
export class ResourceServersService implements AccessTokenLifetimes {
  private readonly cache: InvalidatingCache<ResourceServerEntity>;

  constructor(
    private readonly repository: ResourceServerRepository,
    private readonly bus: CacheBus,
  ) {
    this.cache = bus.createCache<ResourceServerEntity>(TOPIC, 60_000, 1000);
  }

  find(identifier: string): Promise<ResourceServerEntity | null> {
    return this.cache.get(identifier, () => this.repository.findByIdentifier(identifier));
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

  /**
   * The writes below run in the caller's unit of work when there is one (the admin API's, with its
   * audit event); every instance reads the resource server again once it is over.
   */
  async create(input: NewResourceServer): Promise<ResourceServerEntity> {
    const now = nowSeconds();
    const entity = Object.assign(new ResourceServerEntity(), { id: randomUUID(), ...input, createdAt: now, updatedAt: now });
    await this.repository.insert(entity);
    await afterUnitOfWork(() => this.changed(entity.identifier));
    return entity;
  }

  longestAccessTokenTtl(): Promise<number> {
    return this.repository.longestAccessTokenTtl();
  }

  /** Every instance reads this resource server again. */
  private changed(identifier: string): Promise<void> {
    return this.bus.invalidate(TOPIC, identifier);
  }

  list(): Promise<ResourceServerEntity[]> {
    return this.repository.list();
  }

  get(id: string): Promise<ResourceServerEntity | null> {
    return this.repository.findById(id);
  }

  async update(entity: ResourceServerEntity, changes: Partial<NewResourceServer>): Promise<void> {
    await this.repository.update(entity.id, { ...changes, updatedAt: nowSeconds() });
    await afterUnitOfWork(() => this.changed(entity.identifier));
  }

  async delete(entity: ResourceServerEntity): Promise<void> {
    await this.repository.delete(entity.id);
    await afterUnitOfWork(() => this.changed(entity.identifier));
  }
}
