import type { Type } from '@nestjs/common';
import { DECORATORS, type SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

/** The token request body (form or JSON): one schema per registered grant, keyed by grant_type. */
export interface TokenRequestSchemas {
  /** `TokenRequestBody`: a oneOf of the grants' schemas with a discriminator on grant_type. */
  readonly body: SchemaObject;
  /** Each grant's schema, named after its request DTO class. */
  readonly grants: Readonly<Record<string, SchemaObject>>;
}

/** Parameters of client authentication that any grant's request may carry (RFC 6749 §2.3.1). */
const CLIENT_PARAMETERS: Readonly<Record<string, SchemaObject>> = {
  client_id: { type: 'string', description: 'Public clients, client_secret_post, or alongside Basic (webMethods)' },
  client_secret: { type: 'string', description: 'client_secret_post only' },
};

/**
 * Built at boot from the registry's request DTOs (their class-validator metadata), so a grant
 * another module registers is documented without any edit here.
 */
export function tokenRequestSchemas(requestTypes: ReadonlyMap<string, Type<object>>, ref: (name: string) => string): TokenRequestSchemas {
  const grants: Record<string, SchemaObject> = {};
  const mapping: Record<string, string> = {};
  // Sorted, so that the committed document does not depend on the order providers are discovered in.
  for (const [grantType, requestType] of [...requestTypes].sort(([a], [b]) => a.localeCompare(b))) {
    if (grants[requestType.name]) throw new Error(`two grants share the request class name ${requestType.name}`);
    grants[requestType.name] = grantSchema(grantType, requestType);
    mapping[grantType] = ref(requestType.name);
  }
  return {
    body: { oneOf: Object.values(mapping).map(($ref) => ({ $ref })), discriminator: { propertyName: 'grant_type', mapping } },
    grants,
  };
}

function grantSchema(grantType: string, requestType: Type<object>): SchemaObject {
  const properties: Record<string, SchemaObject> = { grant_type: { type: 'string', enum: [grantType] } };
  const optional = new Set<string>();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(requestType, '', true, false)) {
    const property = (properties[rule.propertyName] ??= {});
    // IsOptionalNotNull and ValidateIf: a parameter that may be absent.
    if (rule.type === 'conditionalValidation') optional.add(rule.propertyName);
    if (rule.name === 'isString' || rule.name === 'isNotEmpty') property.type = 'string';
    if (rule.name === 'isNotEmpty') property.minLength = 1;
    if (rule.name === 'maxLength') property.maxLength = rule.constraints[0] as number;
    if (rule.name === 'isIn') Object.assign(property, { type: 'string', enum: rule.constraints[0] as string[] });
  }
  // The words come from @ApiProperty / @ApiPropertyOptional where a DTO has them; the rules never do.
  for (const [name, property] of Object.entries(properties)) {
    const documented = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, requestType.prototype, name) as
      { description?: string; format?: string } | undefined;
    if (documented?.description) property.description = documented.description;
    if (documented?.format) property.format = documented.format;
  }
  const required = Object.keys(properties).filter((name) => !optional.has(name));
  // Other parameters are ignored, never refused (RFC 6749 §3.2), as webMethods' scope at authorization_code.
  return { type: 'object', properties: { ...properties, ...CLIENT_PARAMETERS }, required, additionalProperties: true };
}
