import { createHmac } from 'node:crypto';
import { timingSafeEqualString } from '../../../common/crypto/tokens';

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9) without state: the nonce of a time slot is an HMAC
 * of the slot under a key every instance derives from the server secret, so any instance issues and
 * accepts the same nonces. The current slot's nonce and the previous one are accepted, so a nonce
 * lives between one and two rotation periods.
 */
export class DpopNonces {
  private slot = -1;
  private currentNonce = '';
  private previousNonce = '';

  constructor(
    private readonly key: Buffer,
    private readonly rotationSeconds: number,
  ) {}

  /** The nonce to hand out now (the `DPoP-Nonce` header). */
  current(now: number): string {
    this.advance(now);
    return this.currentNonce;
  }

  /** Whether `nonce` is the current or the previous slot's. */
  accepts(nonce: string, now: number): boolean {
    this.advance(now);
    return timingSafeEqualString(nonce, this.currentNonce) || timingSafeEqualString(nonce, this.previousNonce);
  }

  private advance(now: number): void {
    const slot = Math.floor(now / this.rotationSeconds);
    if (slot === this.slot) return;
    this.currentNonce = this.nonceOf(slot);
    this.previousNonce = this.nonceOf(slot - 1);
    this.slot = slot;
  }

  private nonceOf(slot: number): string {
    return createHmac('sha256', this.key).update(`dpop-nonce:${slot}`).digest('base64url');
  }
}
