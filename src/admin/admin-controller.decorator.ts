import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import { AdminGuard } from './admin.guard';

/** A management API controller: admin bearer token required, documented 401/403. */
export function AdminController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth('bearer'),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'No valid bearer token' }),
    ApiForbiddenResponse({ type: ErrorResponse, description: 'Token without the admin scope, or user without the admin role' }),
    Controller(path),
    UseGuards(AdminGuard),
  );
}
