import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScopeEntity } from './scope.entity';
import { ScopeRepository, TypeOrmScopeRepository } from './scope.repository';
import { ScopesService } from './scopes.service';

/** The scope catalogue (names and descriptions); applications still list the scopes they may use. */
@Module({
  imports: [TypeOrmModule.forFeature([ScopeEntity])],
  providers: [{ provide: ScopeRepository, useClass: TypeOrmScopeRepository }, ScopesService],
  exports: [ScopesService],
})
export class ScopesModule {}
