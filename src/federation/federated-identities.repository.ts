import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { FederatedIdentityEntity } from './federated-identity.entity';

/** Every statement on federated_identities (provider + upstream subject → local user); writes join the current unit of work. */
@Injectable()
export class FederatedIdentitiesRepository {
  constructor(@InjectRepository(FederatedIdentityEntity) private readonly links: Repository<FederatedIdentityEntity>) {}

  findBySubject(providerId: string, subject: string): Promise<FederatedIdentityEntity | null> {
    return this.links.findOneBy({ providerId, subject });
  }

  find(providerId: string, id: string): Promise<FederatedIdentityEntity | null> {
    return this.links.findOneBy({ id, providerId });
  }

  listForProvider(providerId: string): Promise<FederatedIdentityEntity[]> {
    return this.links.find({ where: { providerId }, order: { createdAt: 'ASC' } });
  }

  /** A duplicate key when the upstream account is linked already (unique provider + subject). */
  async insert(link: FederatedIdentityEntity): Promise<void> {
    await transactional(this.links).insert(link);
  }

  async delete(id: string): Promise<void> {
    await transactional(this.links).delete({ id });
  }
}
