import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalString } from '../../../common/http/optional';

/**
 * A required, non-empty string parameter of at most `maxLength` characters, documented with `doc`
 * when given. The rules are registered in the order of the decorator stacks this replaced (read
 * bottom-up): a value breaking two rules is reported with the same one as before.
 */
export const RequiredString = (maxLength: number, doc?: ApiPropertyOptions): PropertyDecorator =>
  applyDecorators(MaxLength(maxLength), IsNotEmpty(), IsString(), ...(doc ? [ApiProperty(doc)] : []));

/** RFC 8707 §2: `resource`, as every built-in grant takes it. */
export const ResourceParameter = (): PropertyDecorator =>
  OptionalString(255, { description: 'RFC 8707: the resource server the access token is for (its registered identifier)' });
