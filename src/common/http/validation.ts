import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, OAuthError } from '../oauth/oauth-error';

function collect(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints).reverse() }] : [];
    return [...own, ...collect(error.children ?? [], field)];
  });
}

/** The global pipe: DTO failures become invalid_request with one entry per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) => {
      const details = collect(errors);
      const summary = details.map((d) => d.messages[0]).join('; ');
      return new OAuthError('invalid_request', summary, { details });
    },
  });
}
