import { Query } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';

import { AdminController, AdminRead } from './admin-controller.decorator';
import { AuditEventPage, AuditEventQuery, toAuditEventResponse } from './dto/audit.dto';

@AdminController('admin/audit-events', 'admin: audit')
export class AuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @AdminRead(undefined, 'The audit trail, newest first: logins, consents, tokens, admin changes', AuditEventPage)
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
