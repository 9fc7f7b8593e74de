import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { nowSeconds, randomToken, sha256Hex, type Authentication, type AuthenticatedClient } from '../tokens/grants/public-api';
import { DeviceCodeEntity } from './device-code.entity';
import { generateUserCode } from './user-code';

/** RFC 8628 §3.5: each slow_down adds this many seconds to the device's polling interval. */
export const SLOW_DOWN_SECONDS = 5;

/**
 * How long a row outlives its expiry before the janitor deletes it: polls in that time still get
 * expired_token (RFC 8628 §3.5) rather than invalid_grant.
 */
export const EXPIRED_KEPT_SECONDS = 86_400;

/** Codes drawn again when a new user code collides with a stored one (unique index). */
const USER_CODE_ATTEMPTS = 3;

export interface NewDeviceAuthorization {
  readonly deviceCode: string;
  /** Normalized: eight letters, no dash. */
  readonly userCode: string;
}

/**
 * Every statement on device_codes. Each change of state is one conditional UPDATE, so that
 * instances sharing the database agree on it without locks: a decision is taken once, a code is
 * spent once, and the polling interval is the row's, whichever instance a poll reaches.
 */
@Injectable()
export class DeviceCodeRepository {
  constructor(@InjectRepository(DeviceCodeEntity) private readonly codes: Repository<DeviceCodeEntity>) {}

  async create(client: AuthenticatedClient, scope: string, ttl: number, interval: number): Promise<NewDeviceAuthorization> {
    const deviceCode = randomToken();
    const now = nowSeconds();
    for (let attempt = 1; ; attempt++) {
      const userCode = generateUserCode();
      try {
        await this.codes.insert({
          id: randomUUID(),
          deviceCodeHash: sha256Hex(deviceCode),
          userCodeHash: sha256Hex(userCode),
          clientId: client.id,
          clientName: client.clientName,
          scope,
          status: 'pending',
          userId: null,
          authTime: null,
          authentication: null,
          pollInterval: interval,
          lastPolledAt: null,
          expiresAt: now + ttl,
          purgeAt: now + ttl + EXPIRED_KEPT_SECONDS,
          createdAt: now,
        });
        return { deviceCode, userCode };
      } catch (error) {
        // Only the user code can collide (the device code has 256 random bits): draw another.
        if (attempt >= USER_CODE_ATTEMPTS || !(await this.userCodeTaken(userCode))) throw error;
      }
    }
  }

  findByDeviceCode(deviceCode: string): Promise<DeviceCodeEntity | null> {
    return this.codes.findOneBy({ deviceCodeHash: sha256Hex(deviceCode) });
  }

  /** The request a normalized user code names while the user may still decide on it, or null. */
  async findPending(userCode: string): Promise<DeviceCodeEntity | null> {
    const row = await this.codes.findOneBy({ userCodeHash: sha256Hex(userCode), status: 'pending' });
    return row && row.expiresAt > nowSeconds() ? row : null;
  }

  /** Records the user's answer; false when the request was decided meanwhile or has expired. */
  async decide(id: string, decision: 'approved' | 'denied', userId: string, authTime: number, authentication: Authentication): Promise<boolean> {
    const result = await this.codes
      .createQueryBuilder()
      .update(DeviceCodeEntity)
      .set({ status: decision, userId, authTime, authentication })
      .where('id = :id AND status = :pending AND expires_at > :now', { id, pending: 'pending', now: nowSeconds() })
      .execute();
    return result.affected === 1;
  }

  /**
   * Counts one poll of a pending request (RFC 8628 §3.5): true when it came at least the interval
   * after the previous one. A poll too soon is false and adds SLOW_DOWN_SECONDS to the interval;
   * both are kept in the row, so every instance applies the same interval to the device.
   */
  async pollInTime(id: string): Promise<boolean> {
    const now = nowSeconds();
    const inTime = await this.codes
      .createQueryBuilder()
      .update(DeviceCodeEntity)
      .set({ lastPolledAt: now })
      .where('id = :id AND (last_polled_at IS NULL OR last_polled_at + poll_interval <= :now)', { id, now })
      .execute();
    if (inTime.affected === 1) return true;
    await this.codes
      .createQueryBuilder()
      .update(DeviceCodeEntity)
      .set({ lastPolledAt: now, pollInterval: () => `poll_interval + ${SLOW_DOWN_SECONDS}` })
      .where('id = :id', { id })
      .execute();
    return false;
  }

  /** Spends an approved request: true for the one request whose UPDATE changed the row. */
  async spend(id: string): Promise<boolean> {
    const result = await this.codes.update({ id, status: 'approved' }, { status: 'spent' });
    return result.affected === 1;
  }

  private async userCodeTaken(userCode: string): Promise<boolean> {
    return (await this.codes.countBy({ userCodeHash: sha256Hex(userCode) })) > 0;
  }
}
