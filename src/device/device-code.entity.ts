import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Authentication } from '../tokens/grants/public-api';

/** Where a device authorization stands (RFC 8628 §3.5): waiting for the user, decided, or redeemed. */
export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'spent';

/** One device authorization request (RFC 8628 §3.1): its device code and user code, hashed. */
@Entity('device_codes')
export class DeviceCodeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'device_code_hash', type: 'varchar', length: 64, unique: true })
  deviceCodeHash: string;

  /** SHA-256 of the normalized user code (eight letters, no dash). */
  @Column({ name: 'user_code_hash', type: 'varchar', length: 64, unique: true })
  userCodeHash: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  /** Shown on the consent page, as the application was named when the device asked. */
  @Column({ name: 'client_name', type: 'text' })
  clientName: string;

  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeviceCodeStatus;

  /** The user who approved or denied it. */
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Column({ name: 'auth_time', type: 'int', nullable: true })
  authTime: number | null;

  /** How the user who decided signed in (RFC 8176 amr, acr); null while pending. */
  @Column({ type: 'simple-json', nullable: true })
  authentication: Authentication | null;

  /** Seconds the device must wait between polls; grows by 5 with each slow_down (RFC 8628 §3.5). */
  @Column({ name: 'poll_interval', type: 'int' })
  pollInterval: number;

  @Column({ name: 'last_polled_at', type: 'int', nullable: true })
  lastPolledAt: number | null;

  @Column({ name: 'expires_at', type: 'int' })
  expiresAt: number;

  /** When the janitor deletes the row: a while after expiry, so that polls still get expired_token. */
  @Column({ name: 'purge_at', type: 'int' })
  purgeAt: number;

  @Column({ name: 'created_at', type: 'int' })
  createdAt: number;
}
