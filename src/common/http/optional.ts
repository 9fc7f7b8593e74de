import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsString, MaxLength, ValidateIf } from 'class-validator';

/**
 * May be absent, but not null: class-validator's IsOptional also lets null through, which would
 * reach a NOT NULL column. Use IsOptional only where null means something (inherit, clear).
 */
export const IsOptionalNotNull = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

/**
 * An optional string parameter of at most `maxLength` characters, documented with `doc`: what
 * every optional text field of a request says in the same four decorators.
 */
export const OptionalString = (maxLength: number, doc: ApiPropertyOptions = {}): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional(doc), IsOptionalNotNull(), IsString(), MaxLength(maxLength));
