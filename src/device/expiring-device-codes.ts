import { Injectable } from '@nestjs/common';
import { ExpiringTableProvider, type ExpiringTable } from '../tokens/grants/public-api';
import { DeviceCodeEntity } from './device-code.entity';

/**
 * The janitor deletes device requests at purgeAt, EXPIRED_KEPT_SECONDS after they expire: until
 * then a late poll is still answered expired_token.
 */
@Injectable()
@ExpiringTableProvider()
export class ExpiringDeviceCodes implements ExpiringTable {
  readonly table = 'device_codes';
  readonly entity = DeviceCodeEntity;
  readonly expiresAt = 'purgeAt';
}
