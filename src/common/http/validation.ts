import { ArgumentMetadata, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, OAuthError } from '../oauth/oauth-error';
import { cacheValidationMetadata } from './validation-metadata-cache';

/** class-validator errors as one entry per field, nested fields dotted (applications.0.client_id). */
export function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints).reverse() }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

const REJECTS_UNKNOWN_FIELDS = Symbol('rejectsUnknownFields');

/**
 * Marks a request body DTO whose unknown fields are a 400 naming them instead of being dropped
 * (management API bodies: a misspelt or unsupported field must not be silently ignored). Protocol
 * DTOs stay lenient: RFC 6749 §3.2 says the server MUST ignore unrecognised parameters.
 */
export function RejectUnknownFields(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(REJECTS_UNKNOWN_FIELDS, true, target);
  };
}

function validationPipe(forbidNonWhitelisted: boolean): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted,
    transform: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) => {
      const details = fieldErrors(errors);
      const summary = details.map((d) => d.messages[0]).join('; ');
      return new OAuthError('invalid_request', summary, { details });
    },
  });
}

/**
 * The global pipe: DTO failures become invalid_request with one entry per field. Every DTO's rules
 * are declared by now (modules are loaded), so class-validator may keep them (the grant registry's
 * validations share the cache: the library's storage is process-wide).
 */
export function createValidationPipe(): PipeTransform {
  cacheValidationMetadata();
  const lenient = validationPipe(false);
  const strict = validationPipe(true);
  return {
    transform: (value: unknown, metadata: ArgumentMetadata) =>
      (metadata.metatype && Reflect.getMetadata(REJECTS_UNKNOWN_FIELDS, metadata.metatype) === true ? strict : lenient).transform(value, metadata),
  };
}
