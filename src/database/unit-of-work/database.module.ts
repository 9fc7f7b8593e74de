import { Module } from '@nestjs/common';
import { TransactionRunner } from './transaction-runner';
import { UnitOfWork } from './unit-of-work';

/**
 * What every module that writes imports: units of work, owned by no feature module. The audited
 * variant's journal (AUDIT_JOURNAL) comes from the global audit module.
 */
@Module({ providers: [TransactionRunner, UnitOfWork], exports: [TransactionRunner, UnitOfWork] })
export class DatabaseModule {}
