import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth-error';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { ResourceServerEntity } from '../resources/resource-server.entity';
import { ResourceServersService } from '../resources/resource-servers.service';
import type { CreateResourceServerDto, UpdateResourceServerDto } from './dto/resource.dto';
import { found } from '../common/oauth/found';

function normaliseScope(scope: string): string {
  return formatScope([...new Set(scopeTokens(scope))]);
}

/**
 * The admin API of resource servers: an unknown id is not_found, a taken identifier a conflict; each
 * change commits with its audit event, and not at all after a 503.
 */
@Injectable()
export class AdminResourcesService {
  constructor(
    private readonly resources: ResourceServersService,
    private readonly work: UnitOfWork,
  ) {}

  async create(dto: CreateResourceServerDto): Promise<ResourceServerEntity> {
    if (await this.resources.find(dto.identifier)) throw new OAuthError('conflict', 'identifier is already registered');
    return this.work.audited(
      (entity) => ({ type: 'admin.resource.created', subject: entity.identifier }),
      () =>
        this.resources.create({
          identifier: dto.identifier,
          name: dto.name,
          scope: normaliseScope(dto.scope ?? ''),
          accessTokenFormat: dto.access_token_format ?? 'jwt',
          accessTokenSigningAlg: dto.access_token_signing_alg ?? 'RS256',
          accessTokenTtl: dto.access_token_ttl ?? null,
        }),
    );
  }

  list(): Promise<ResourceServerEntity[]> {
    return this.resources.list();
  }

  async get(id: string): Promise<ResourceServerEntity> {
    return found(await this.resources.get(id), 'resource server not found');
  }

  /** The resource server as changed. */
  async update(id: string, dto: UpdateResourceServerDto): Promise<ResourceServerEntity> {
    const current = await this.get(id);
    if (dto.identifier !== undefined && dto.identifier !== current.identifier)
      throw new OAuthError('invalid_request', 'the identifier of a resource server cannot change; register a new one');
    const changes = {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.scope !== undefined ? { scope: normaliseScope(dto.scope) } : {}),
      ...(dto.access_token_format !== undefined ? { accessTokenFormat: dto.access_token_format } : {}),
      ...(dto.access_token_signing_alg !== undefined ? { accessTokenSigningAlg: dto.access_token_signing_alg } : {}),
      ...(dto.access_token_ttl !== undefined ? { accessTokenTtl: dto.access_token_ttl } : {}),
    };
    const event = { type: 'admin.resource.updated', subject: current.identifier, detail: { fields: Object.keys(dto).join(' ') } };
    await this.work.audited(event, () => this.resources.update(current, changes));
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const current = await this.get(id);
    await this.work.audited({ type: 'admin.resource.deleted', subject: current.identifier }, () => this.resources.delete(current));
  }
}
