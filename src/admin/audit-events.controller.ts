import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';

import { AdminController } from './admin-controller.decorator';
import { AuditEventPage, AuditEventQuery, toAuditEventResponse } from './dto/audit.dto';

@AdminController('admin/audit-events', 'admin: audit')
export class AuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'The audit trail, newest first: logins, consents, tokens, admin changes' })
  @ApiOkResponse({ type: AuditEventPage })
  async list(@Query() query: AuditEventQuery): Promise<AuditEventPage> {
    const { items, total } = await this.audit.list({
      page: query.page,
      perPage: query.per_page,
      type: query.type,
      actorUserId: query.user_id,
      clientId: query.client_id,
      since: query.since,
      until: query.until,
    });
    return { items: items.map(toAuditEventResponse), page: query.page, per_page: query.per_page, total };
  }
}
