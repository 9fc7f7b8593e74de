import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WithSchema } from '../../database/extensions/extension-schema';
import { DatabaseModule } from '../../database/unit-of-work/database.module';
import { KeysModule } from '../../keys/keys.module';
// Its migration sits with the others (src/database/ alone may use the schema API), declared here, not in the index.
import { UserFactors1766100000001 } from '../../database/migrations/1766100000001-UserFactors';
import { FactorRequirements1766100000005 } from '../../database/migrations/1766100000005-FactorRequirements';
import { FactorRequirementEntity } from './factor-requirement.entity';
import { FactorSecrets } from './factor-secrets';
import { RecoveryCodeFactor } from './recovery-code.factor';
import { SignInFactorRegistry } from './sign-in-factor-registry';
import { SignInFactorsMetadata } from './sign-in-factors.metadata';
import { SignInFactorsService } from './sign-in-factors.service';
import { TotpFactor } from './totp.factor';
import { UserFactorEntity } from './user-factor.entity';
import { TypeOrmUserFactorsRepository, UserFactorsRepository } from './user-factors.repository';

/**
 * Sign-in factors besides the password: the SignInFactor seam (one class per factor, found by
 * @SignInFactorProvider()), TOTP and recovery codes, and the user_factors and user_factor_requirements tables it owns.
 */
@WithSchema({ entities: [UserFactorEntity, FactorRequirementEntity], migrations: [UserFactors1766100000001, FactorRequirements1766100000005] })
@Module({
  imports: [TypeOrmModule.forFeature([UserFactorEntity, FactorRequirementEntity]), DiscoveryModule, DatabaseModule, KeysModule],
  providers: [
    { provide: UserFactorsRepository, useClass: TypeOrmUserFactorsRepository },
    FactorSecrets,
    SignInFactorRegistry,
    SignInFactorsService,
    TotpFactor,
    RecoveryCodeFactor,
    SignInFactorsMetadata,
  ],
  exports: [SignInFactorsService, SignInFactorRegistry],
})
export class SignInFactorsModule {}
