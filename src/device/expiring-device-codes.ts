import { expiringTable } from '../tokens/grants/public-api';
import { DeviceCodeEntity } from './device-code.entity';

/**
 * The janitor deletes device requests at purgeAt, EXPIRED_KEPT_SECONDS after they expire: until
 * then a late poll is still answered expired_token.
 */
export const ExpiringDeviceCodes = expiringTable({ table: 'device_codes', entity: DeviceCodeEntity, expiresAt: 'purgeAt' });
