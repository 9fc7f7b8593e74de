import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { FederatedIdentityEntity } from './federated-identity.entity';
import { UpstreamProviderEntity } from './upstream-provider.entity';

/** Every statement on upstream_identity_providers; writes join the current unit of work. */
@Injectable()
export class UpstreamProvidersRepository {
  constructor(
    @InjectRepository(UpstreamProviderEntity) private readonly providers: Repository<UpstreamProviderEntity>,
    @InjectRepository(FederatedIdentityEntity) private readonly links: Repository<FederatedIdentityEntity>,
  ) {}

  find(id: string): Promise<UpstreamProviderEntity | null> {
    return this.providers.findOneBy({ id });
  }

  findEnabled(id: string): Promise<UpstreamProviderEntity | null> {
    return this.providers.findOneBy({ id, enabled: true });
  }

  aliasTaken(alias: string): Promise<boolean> {
    return this.providers.existsBy({ alias });
  }

  list(): Promise<UpstreamProviderEntity[]> {
    return this.providers.find({ order: { createdAt: 'ASC' } });
  }

  listEnabled(): Promise<UpstreamProviderEntity[]> {
    return this.providers.find({ where: { enabled: true }, order: { displayName: 'ASC' } });
  }

  async insert(entity: UpstreamProviderEntity): Promise<void> {
    await transactional(this.providers).insert(entity);
  }

  async save(entity: UpstreamProviderEntity): Promise<void> {
    await transactional(this.providers).save(entity);
  }

  /** The provider and every link of a user to it. */
  async delete(id: string): Promise<void> {
    await transactional(this.links).delete({ providerId: id });
    await transactional(this.providers).delete({ id });
  }
}
