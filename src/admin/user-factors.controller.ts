import { Body, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import { AdminController } from './admin-controller.decorator';
import { AdminUserFactorsService } from './admin-user-factors.service';
import { EnrolmentRequirementResponse, ImportTotpDto, UserFactorResponse, UserFactorsResponse } from './dto/user-factor.dto';

@AdminController('admin/users/:id/factors', 'admin: users')
export class UserFactorsController {
  constructor(private readonly factors: AdminUserFactorsService) {}

  @Get()
  @ApiOperation({ summary: 'A user’s sign-in factors besides the password (never their secrets) and unused recovery codes' })
  @ApiOkResponse({ type: UserFactorsResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  list(@Param('id') id: string): Promise<UserFactorsResponse> {
    return this.factors.list(id);
  }

  @Post('totp')
  @ApiOperation({ summary: 'Import an existing TOTP secret (base32), so a migrated user keeps their authenticator app' })
  @ApiCreatedResponse({ type: UserFactorResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  importTotp(@Param('id') id: string, @Body() dto: ImportTotpDto): Promise<UserFactorResponse> {
    return this.factors.importTotp(id, dto);
  }

  @Post('require-enrolment')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Require a second factor of the user',
    description:
      'At their next sign-in the user enrols an authenticator app right after the password (or gives a code when they have one), whatever the applications’ `mfa` policy; the password grant refuses them meanwhile. Idempotent; audited as `user.factor.enrolment_required`. The last factor can then not be removed on the account page.',
  })
  @ApiOkResponse({ type: EnrolmentRequirementResponse, example: { enrolment_required: true } })
  @ApiNotFoundResponse({ type: ErrorResponse })
  requireEnrolment(@Param('id') id: string): Promise<EnrolmentRequirementResponse> {
    return this.factors.requireEnrolment(id);
  }

  @Delete('require-enrolment')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Clear the requirement of a second factor',
    description: 'The applications’ `mfa` policy applies again. Idempotent; audited as `user.factor.enrolment_cleared` when there was one.',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  clearEnrolmentRequirement(@Param('id') id: string): Promise<void> {
    return this.factors.clearEnrolmentRequirement(id);
  }

  @Delete(':factorId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one factor (with the last authenticator go the recovery codes)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  remove(@Param('id') id: string, @Param('factorId') factorId: string): Promise<void> {
    return this.factors.remove(id, factorId);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Reset: remove every factor and recovery code of the user (they enrol again where required)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  reset(@Param('id') id: string): Promise<void> {
    return this.factors.reset(id);
  }
}
