import { Module } from '@nestjs/common';
import { DatabaseStatus } from './database-status';
import { TransactionRunner } from './transaction-runner';
import { UnitOfWork } from './unit-of-work';

/**
 * What every module that writes imports: units of work, owned by no feature module; and the
 * database's state for probes and metrics. The audited variant's journal (AUDIT_JOURNAL) comes from
 * the global audit module.
 */
@Module({ providers: [TransactionRunner, UnitOfWork, DatabaseStatus], exports: [TransactionRunner, UnitOfWork, DatabaseStatus] })
export class DatabaseModule {}
