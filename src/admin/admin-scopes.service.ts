import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { ScopeEntity } from '../scopes/scope.entity';
import { ScopesService } from '../scopes/scopes.service';

/** The admin API's changes to the scope catalogue: each commits with its audit event, and not at all after a 503. */
@Injectable()
export class AdminScopesService {
  constructor(
    private readonly scopes: ScopesService,
    private readonly work: UnitOfWork,
  ) {}

  create(name: string, description: string): Promise<ScopeEntity> {
    return this.work.audited({ type: 'admin.scope.created', subject: name }, () => this.scopes.create(name, description));
  }

  update(name: string, description: string): Promise<void> {
    return this.work.audited({ type: 'admin.scope.updated', subject: name }, () => this.scopes.update(name, description));
  }

  delete(name: string): Promise<void> {
    return this.work.audited({ type: 'admin.scope.deleted', subject: name }, () => this.scopes.delete(name));
  }
}
