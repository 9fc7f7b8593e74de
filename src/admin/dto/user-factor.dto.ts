import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { PasskeySummary } from '../../users/factors/passkeys.service';
import type { FactorSummary, UserFactors } from '../../users/factors/sign-in-factors.service';

/** A user's sign-in factor, never its secret. */
export class UserFactorResponse {
  @ApiProperty({ example: '0190c4f2-6d3e-7b8a-9f00-1c2d3e4f5a6b' }) id: string;
  @ApiProperty({ example: 'totp', description: 'The factor: `totp` (authenticator app) or `passkey` (WebAuthn credential)' }) type: string;
  @ApiProperty({ example: 'Phone' }) name: string;
  @ApiProperty({ example: 1767225600, description: 'Epoch seconds' }) created_at: number;
  @ApiProperty({ example: null, nullable: true, type: Number, description: 'Epoch seconds of the last sign-in with it' }) last_used_at: number | null;
  @ApiPropertyOptional({ example: 'kP3v0m5Qm2XnqH3bYw1c7A', description: 'A passkey’s WebAuthn credential id, base64url (not a secret)' })
  credential_id?: string;
  @ApiPropertyOptional({
    example: false,
    description: 'A passkey’s BE flag: it may be synced to other devices (amr `swk`); false: bound to one device (`hwk`)',
  })
  backup_eligible?: boolean;
  @ApiPropertyOptional({ example: false, description: 'A passkey’s BS flag at its last use: it is backed up (synced) now' })
  backup_state?: boolean;
}

export class UserFactorsResponse {
  @ApiProperty({ type: [UserFactorResponse] }) factors: UserFactorResponse[];
  @ApiProperty({ example: 10, description: 'Unused recovery codes' }) recovery_codes_remaining: number;
  @ApiProperty({
    example: false,
    description: 'Whether an administrator requires the user to have a second factor (POST …/factors/require-enrolment), whatever the applications’ policy',
  })
  enrolment_required: boolean;
}

/** An administrator's requirement that a user have a second factor. */
export class EnrolmentRequirementResponse {
  @ApiProperty({
    example: true,
    description: 'True: at their next sign-in the user enrols an authenticator app right after the password (or gives a code if they have one)',
  })
  enrolment_required: boolean;
}

export class ImportTotpDto {
  @ApiProperty({
    description: 'The existing TOTP secret, base32 (RFC 4648), as the authenticator app holds it (SHA-1, 6 digits, 30 s)',
    example: 'JBSWY3DPEHPK3PXP',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  secret: string;

  @ApiPropertyOptional({ example: 'Phone', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}

export function toUserFactorResponse(factor: FactorSummary): UserFactorResponse {
  return { id: factor.id, type: factor.type, name: factor.name, created_at: factor.createdAt, last_used_at: factor.lastUsedAt };
}

/** `passkeys`: the WebAuthn details of the passkeys among the factors. */
export function toUserFactorsResponse(factors: UserFactors, enrolmentRequired: boolean, passkeys: readonly PasskeySummary[] = []): UserFactorsResponse {
  const details = new Map(passkeys.map((p) => [p.id, p]));
  return {
    factors: factors.factors.map((factor) => {
      const passkey = details.get(factor.id);
      const response = toUserFactorResponse(factor);
      return passkey
        ? { ...response, credential_id: passkey.credentialId, backup_eligible: passkey.backupEligible, backup_state: passkey.backupState }
        : response;
    }),
    recovery_codes_remaining: factors.recoveryCodesRemaining,
    enrolment_required: enrolmentRequired,
  };
}
