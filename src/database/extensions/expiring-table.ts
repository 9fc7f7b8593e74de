import { Injectable, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A table whose rows expire: the janitor (maintenance/) deletes those past their time in small
 * batches. Its entity has a primary key property `id` and an expiry in epoch seconds. Register it
 * with expiringTable(); two registrations of one table stop the boot.
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

/**
 * The provider that registers `table` with the janitor: list it in a module's providers.
 * `export const ExpiringTickets = expiringTable({ table: 'example_tickets', entity: TicketEntity, expiresAt: 'expiresAt' });`
 */
export function expiringTable(registration: ExpiringTable): Type<ExpiringTable> {
  @Injectable()
  @ExpiringTableProvider()
  class Registration implements ExpiringTable {
    readonly table = registration.table;
    readonly entity = registration.entity;
    readonly expiresAt = registration.expiresAt;
  }
  // Named after its table, so a failed boot says which registration it was.
  Object.defineProperty(Registration, 'name', { value: `ExpiringTable(${registration.table})` });
  return Registration;
}
