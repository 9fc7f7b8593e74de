import { Body, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import { AdminController } from './admin-controller.decorator';
import { AdminUserFactorsService } from './admin-user-factors.service';
import { ImportTotpDto, UserFactorResponse, UserFactorsResponse } from './dto/user-factor.dto';

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
