import { Module } from '@nestjs/common';
import { TransactionRunner } from './transaction-runner';

/** What every module that writes imports: the transaction runner, owned by no feature module. */
@Module({ providers: [TransactionRunner], exports: [TransactionRunner] })
export class DatabaseModule {}
