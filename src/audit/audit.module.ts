import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUDIT_JOURNAL } from '../database/unit-of-work/audit-journal';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { AuditEventEntity } from './audit-event.entity';
import { AuditService } from './audit.service';
import { AuditRepository, TypeOrmAuditRepository } from './audit.repository';

/** Global: every module audits, and the database module's audited units of work append through AUDIT_JOURNAL. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity]), DatabaseModule],
  providers: [{ provide: AuditRepository, useClass: TypeOrmAuditRepository }, AuditService, { provide: AUDIT_JOURNAL, useExisting: AuditService }],
  exports: [AuditService, AuditRepository, AUDIT_JOURNAL],
})
export class AuditModule {}
