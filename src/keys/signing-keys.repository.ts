import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { SigningKeyEntity } from './signing-key.entity';

/**
 * Every statement on the signing_keys table. Writes join the current unit of work when there is
 * one; SigningKeysService keeps the rules (generation, rotation, publication).
 */
export abstract class SigningKeysRepository {
  abstract all(): Promise<SigningKeyEntity[]>;
  abstract insert(key: SigningKeyEntity): Promise<void>;
  /** The key stops signing at `retiresAt` and is published until `publishedUntil`. */
  abstract retire(kid: string, retiresAt: number, publishedUntil: number): Promise<void>;
}

@Injectable()
export class TypeOrmSigningKeysRepository implements SigningKeysRepository {
  constructor(@InjectRepository(SigningKeyEntity) private readonly repository: Repository<SigningKeyEntity>) {}

  all(): Promise<SigningKeyEntity[]> {
    return this.repository.find();
  }

  async insert(key: SigningKeyEntity): Promise<void> {
    await transactional(this.repository).insert(key);
  }

  async retire(kid: string, retiresAt: number, publishedUntil: number): Promise<void> {
    await transactional(this.repository).update({ kid }, { retiresAt, publishedUntil });
  }
}
