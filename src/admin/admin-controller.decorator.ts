import { applyDecorators, Controller, Delete, Get, HttpCode, Patch, Post, type Type, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import { AdminGuard } from './admin.guard';

/** A management API controller: admin bearer token required, documented 401/403. */
export function AdminController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth('bearer'),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'No valid bearer token' }),
    ApiForbiddenResponse({ type: ErrorResponse, description: 'Token without the admin scope, or user without the admin role' }),
    Controller(path),
    UseGuards(AdminGuard),
  );
}

/** What a management route answers with: one object, or a list of them (`[Type]`). */
type Shape = Type<unknown> | [Type<unknown>];

interface RouteOptions {
  /** Longer text under the summary in the API document. */
  description?: string;
  /** Why the route may answer 409; no 409 is documented without it. */
  conflict?: string;
  /** The route names a record that may not exist (404); the default for routes with a path parameter. */
  notFound?: boolean;
  /** The route takes a body that may be invalid (400); a string also says why. */
  badRequest?: boolean | string;
  /** Why the route may answer 503 (a system it asks did not answer); no 503 is documented without it. */
  unavailable?: string;
}

/** A documented error answer, with its reason when there is one. */
function error(answer: typeof ApiBadRequestResponse, description?: string): MethodDecorator {
  return answer({ type: ErrorResponse, ...(description ? { description } : {}) });
}

/**
 * One documented management route: the method, its summary, the 2xx answer and the error answers
 * it can give, so each route of the management API says these once (and in the same words).
 */
function route(method: MethodDecorator, summary: string, success: MethodDecorator, path: string | undefined, options: RouteOptions): MethodDecorator {
  const notFound = options.notFound ?? path?.includes(':') ?? false;
  return applyDecorators(
    method,
    ApiOperation({ summary, ...(options.description ? { description: options.description } : {}) }),
    success,
    ...(options.badRequest ? [error(ApiBadRequestResponse, typeof options.badRequest === 'string' ? options.badRequest : undefined)] : []),
    ...(notFound ? [error(ApiNotFoundResponse)] : []),
    ...(options.conflict ? [error(ApiConflictResponse, options.conflict)] : []),
    ...(options.unavailable ? [error(ApiServiceUnavailableResponse, options.unavailable)] : []),
  );
}

/** POST that creates a record: 201 with `type`, 400 for an invalid body. */
export function AdminCreate(summary: string, type: Shape, options: RouteOptions & { path?: string } = {}): MethodDecorator {
  return route(Post(options.path), summary, ApiCreatedResponse({ type }), options.path, { badRequest: true, ...options });
}

/** GET of a record or a list: 200 with `type`. */
export function AdminRead(path: string | undefined, summary: string, type: Shape, options: RouteOptions = {}): MethodDecorator {
  return route(Get(path), summary, ApiOkResponse({ type }), path, options);
}

/** PATCH of a record (without a path: of the one record there is): 200 with the changed `type`, 400 for an invalid body, 404 for an unknown record. */
export function AdminUpdate(path: string | undefined, summary: string, type: Shape, options: RouteOptions = {}): MethodDecorator {
  return route(Patch(path), summary, ApiOkResponse({ type }), path, { badRequest: true, ...options });
}

/**
 * POST that does something other than create (a sync, a rotation, an import): 200 with `type`, as `example`
 * when given. No 400 is documented unless `badRequest` says so.
 */
export function AdminAction(path: string, summary: string, type: Shape, options: RouteOptions & { example?: unknown } = {}): MethodDecorator {
  const { example, ...rest } = options;
  return route(Post(path), summary, applyDecorators(HttpCode(200), ApiOkResponse({ type, ...(example ? { example } : {}) })), path, rest);
}

/** DELETE of a record (or of what hangs off it): 204, 404 for an unknown record. */
export function AdminDelete(path: string | undefined, summary: string, options: RouteOptions = {}): MethodDecorator {
  return route(Delete(path), summary, applyDecorators(HttpCode(204), ApiNoContentResponse()), path, options);
}
