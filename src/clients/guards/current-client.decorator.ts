import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedClient } from '../clients.service';
import type { RequestWithClient } from './client-auth.guard';

/** The client ClientAuthGuard authenticated. */
export const CurrentClient = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedClient => {
  const client = context.switchToHttp().getRequest<RequestWithClient>().client;
  if (!client) throw new Error('CurrentClient used on a route without ClientAuthGuard');
  return client;
});
