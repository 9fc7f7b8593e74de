import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { batchedLookup } from '../database/rows/batched-lookup';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';
import { type Owner, ownerWhere } from './owner';

/**
 * Every statement on the authorization_codes table but their spending, which TokenStore does with
 * the other single-use inputs, in the transaction that stores the tokens. Writes join the current
 * unit of work when there is one.
 */
export abstract class AuthorizationCodeRepository {
  abstract insert(code: AuthorizationCodeEntity): Promise<void>;
  /** By the SHA-256 of the code, batched with concurrent lookups. */
  abstract findByHash(codeHash: string): Promise<AuthorizationCodeEntity | null>;
  /** Deletes every unspent code of `owner` (AuthorizationCodeService.voidUnredeemed says why). */
  abstract deleteUnredeemed(owner: Owner): Promise<void>;
}

@Injectable()
export class TypeOrmAuthorizationCodeRepository implements AuthorizationCodeRepository {
  private readonly byHash: (hash: string) => Promise<AuthorizationCodeEntity | null>;

  constructor(@InjectRepository(AuthorizationCodeEntity) private readonly codes: Repository<AuthorizationCodeEntity>) {
    this.byHash = batchedLookup(codes, 'codeHash');
  }

  findByHash(codeHash: string): Promise<AuthorizationCodeEntity | null> {
    return this.byHash(codeHash);
  }

  async deleteUnredeemed(owner: Owner): Promise<void> {
    await transactional(this.codes).delete({ ...ownerWhere(owner), spentAt: IsNull() });
  }

  async insert(code: AuthorizationCodeEntity): Promise<void> {
    await transactional(this.codes).insert(code);
  }
}
