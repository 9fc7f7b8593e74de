import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import { ErrorResponse } from '../common/http/error-response.dto';
import { AdminGuard } from './admin.guard';
import { AuditEventPage, AuditEventQuery, toAuditEventResponse } from './dto/audit.dto';

@ApiTags('admin: audit')
@ApiBearerAuth('bearer')
@ApiUnauthorizedResponse({ type: ErrorResponse })
@ApiForbiddenResponse({ type: ErrorResponse })
@Controller('admin/audit-events')
@UseGuards(AdminGuard)
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
