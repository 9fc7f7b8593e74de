import { Injectable } from '@nestjs/common';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { ResourceServerEntity } from '../resources/resource-server.entity';
import { ResourceServersService } from '../resources/resource-servers.service';
import type { CreateResourceServerDto, UpdateResourceServerDto } from './dto/resource.dto';

function normaliseScope(scope: string): string {
  return formatScope([...new Set(scopeTokens(scope))]);
}

/** The admin API's changes to resource servers: each commits with its audit event, and not at all after a 503. */
@Injectable()
export class AdminResourcesService {
  constructor(
    private readonly resources: ResourceServersService,
    private readonly work: UnitOfWork,
  ) {}

  create(dto: CreateResourceServerDto): Promise<ResourceServerEntity> {
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

  update(current: ResourceServerEntity, dto: UpdateResourceServerDto): Promise<void> {
    const changes = {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.scope !== undefined ? { scope: normaliseScope(dto.scope) } : {}),
      ...(dto.access_token_format !== undefined ? { accessTokenFormat: dto.access_token_format } : {}),
      ...(dto.access_token_signing_alg !== undefined ? { accessTokenSigningAlg: dto.access_token_signing_alg } : {}),
      ...(dto.access_token_ttl !== undefined ? { accessTokenTtl: dto.access_token_ttl } : {}),
    };
    const event = { type: 'admin.resource.updated', subject: current.identifier, detail: { fields: Object.keys(dto).join(' ') } };
    return this.work.audited(event, () => this.resources.update(current, changes));
  }

  delete(current: ResourceServerEntity): Promise<void> {
    return this.work.audited({ type: 'admin.resource.deleted', subject: current.identifier }, () => this.resources.delete(current));
  }
}
