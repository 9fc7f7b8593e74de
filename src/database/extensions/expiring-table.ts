import { DiscoveryService } from '@nestjs/core';
import type { EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A table whose rows expire: the janitor (maintenance/) deletes those past their time in small
 * batches. Its entity has a primary key property `id` and an expiry in epoch seconds. Mark the
 * class with @ExpiringTableProvider(); two registrations of one table stop the boot.
 */
export interface ExpiringTable {
  /** The table's name, as the janitor reports what it deleted. */
  readonly table: string;
  readonly entity: EntityTarget<ObjectLiteral & { id: string }>;
  /** The entity property (not the column) that holds the expiry, epoch seconds. */
  readonly expiresAt: string;
}

/** Marks an injectable as an ExpiringTable for the janitor to discover. */
export const ExpiringTableProvider = DiscoveryService.createDecorator<void>();
