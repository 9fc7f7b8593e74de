import { Body, Param } from '@nestjs/common';
import { AdminAction, AdminController, AdminCreate, AdminDelete, AdminRead } from './admin-controller.decorator';
import { AdminUserFactorsService } from './admin-user-factors.service';
import { EnrolmentRequirementResponse, ImportTotpDto, UserFactorResponse, UserFactorsResponse } from './dto/user-factor.dto';

/** Every route names a user (the :id of the controller's path), who may not exist: each documents 404. */
const OF_A_USER = { notFound: true } as const;

@AdminController('admin/users/:id/factors', 'admin: users')
export class UserFactorsController {
  constructor(private readonly factors: AdminUserFactorsService) {}

  @AdminRead(undefined, 'A user’s sign-in factors besides the password (never their secrets) and unused recovery codes', UserFactorsResponse, OF_A_USER)
  list(@Param('id') id: string): Promise<UserFactorsResponse> {
    return this.factors.list(id);
  }

  @AdminCreate('Import an existing TOTP secret (base32), so a migrated user keeps their authenticator app', UserFactorResponse, { path: 'totp', ...OF_A_USER })
  importTotp(@Param('id') id: string, @Body() dto: ImportTotpDto): Promise<UserFactorResponse> {
    return this.factors.importTotp(id, dto);
  }

  @AdminAction('require-enrolment', 'Require a second factor of the user', EnrolmentRequirementResponse, {
    ...OF_A_USER,
    description:
      'At their next sign-in the user enrols an authenticator app right after the password (or gives a code when they have one), whatever the applications’ `mfa` policy; the password grant refuses them meanwhile. Idempotent; audited as `user.factor.enrolment_required`. The last factor can then not be removed on the account page.',
    example: { enrolment_required: true },
  })
  requireEnrolment(@Param('id') id: string): Promise<EnrolmentRequirementResponse> {
    return this.factors.requireEnrolment(id);
  }

  @AdminDelete('require-enrolment', 'Clear the requirement of a second factor', {
    ...OF_A_USER,
    description: 'The applications’ `mfa` policy applies again. Idempotent; audited as `user.factor.enrolment_cleared` when there was one.',
  })
  clearEnrolmentRequirement(@Param('id') id: string): Promise<void> {
    return this.factors.clearEnrolmentRequirement(id);
  }

  @AdminDelete(':factorId', 'Remove one factor (with the last authenticator go the recovery codes)')
  remove(@Param('id') id: string, @Param('factorId') factorId: string): Promise<void> {
    return this.factors.remove(id, factorId);
  }

  @AdminDelete(undefined, 'Reset: remove every factor and recovery code of the user (they enrol again where required)', OF_A_USER)
  reset(@Param('id') id: string): Promise<void> {
    return this.factors.reset(id);
  }
}
