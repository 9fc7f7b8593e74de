import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth-error';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { ScopeEntity } from '../scopes/scope.entity';
import { ScopesService } from '../scopes/scopes.service';
import { found } from '../common/oauth/found';

/**
 * The admin API of the scope catalogue: a scope not in it is not_found, one described already a
 * conflict; each change commits with its audit event, and not at all after a 503.
 */
@Injectable()
export class AdminScopesService {
  constructor(
    private readonly scopes: ScopesService,
    private readonly work: UnitOfWork,
  ) {}

  async create(name: string, description: string): Promise<ScopeEntity> {
    if (await this.scopes.get(name)) throw new OAuthError('conflict', 'scope is already in the catalogue');
    return this.work.audited({ type: 'admin.scope.created', subject: name }, () => this.scopes.create(name, description));
  }

  list(): Promise<ScopeEntity[]> {
    return this.scopes.list();
  }

  async get(name: string): Promise<ScopeEntity> {
    return found(await this.scopes.get(name), 'scope not in the catalogue');
  }

  /** The scope as changed. */
  async update(name: string, description: string): Promise<ScopeEntity> {
    await this.get(name);
    await this.work.audited({ type: 'admin.scope.updated', subject: name }, () => this.scopes.update(name, description));
    return this.get(name);
  }

  async delete(name: string): Promise<void> {
    await this.get(name);
    await this.work.audited({ type: 'admin.scope.deleted', subject: name }, () => this.scopes.delete(name));
  }
}
