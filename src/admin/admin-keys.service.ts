import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { SigningAlgorithm, SigningKeyEntity } from '../keys/signing-key.entity';
import { SigningKeysService } from '../keys/signing-keys.service';

/** The admin API's key rotation. */
@Injectable()
export class AdminKeysService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly work: UnitOfWork,
  ) {}

  /**
   * The new keys, the retirement of the old ones and the audit event commit together, and not at
   * all after a 503.
   */
  rotate(activateAfter: number, algorithms: readonly SigningAlgorithm[]): Promise<SigningKeyEntity[]> {
    return this.work.audited(
      (keys) => ({ type: 'admin.keys.rotated', detail: { kids: keys.map((k) => k.kid).join(' '), activate_after: activateAfter } }),
      () => this.keys.rotate(activateAfter, algorithms),
    );
  }
}
