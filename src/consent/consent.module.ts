import { DatabaseModule } from '../database/unit-of-work/database.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../tokens/tokens.module';
import { ConsentEntity } from './consent.entity';
import { ConsentService } from './consent.service';
import { ConsentRepository, TypeOrmConsentRepository } from './consent.repository';

/** The consents users gave applications (the pages that ask for them are the authorize module's). */
@Module({
  imports: [DatabaseModule, TypeOrmModule.forFeature([ConsentEntity]), TokensModule],
  providers: [{ provide: ConsentRepository, useClass: TypeOrmConsentRepository }, ConsentService],
  exports: [ConsentService],
})
export class ConsentModule {}
