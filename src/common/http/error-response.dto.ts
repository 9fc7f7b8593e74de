import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorResponse {
  @ApiProperty({ example: 'redirect_uris' }) field: string;
  @ApiProperty({ type: [String], example: ['each value in redirect_uris must be an absolute URI without a fragment'] }) messages: string[];
}

/** Every error body of this server (RFC 6749 §5.2 shape). */
export class ErrorResponse {
  @ApiProperty({ example: 'invalid_request' }) error: string;
  @ApiPropertyOptional({ example: 'client_name must be a string' }) error_description?: string;
  @ApiPropertyOptional({ type: [FieldErrorResponse], description: 'Field-level messages of the management API' })
  details?: FieldErrorResponse[];
  @ApiProperty({ example: '0b6f3c1e-5b1f-4d55-9a53-2f0e8d8c1a7e', description: 'The id of the request (X-Request-Id), as in the server log' })
  request_id: string;
}
