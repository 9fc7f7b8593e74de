import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RejectUnknownFields } from '../../common/http/validation';
import { CreateApplicationDto } from './application.dto';
import { Nested, NestedList, QueryFlag } from './fields';
import { UpdateSettingsDto } from './settings.dto';
import { CreateUserDto } from './user.dto';

/** One document with the same field names as the single-resource endpoints. */
@RejectUnknownFields()
export class ImportDocumentDto {
  @NestedList(CreateApplicationDto, 10_000, {
    description: 'As POST /admin/applications takes them; client_id is required (the key an import finds an application by)',
  })
  applications?: CreateApplicationDto[];

  @NestedList(CreateUserDto, 100_000, { description: 'As POST /admin/users takes them; username is the key' })
  users?: CreateUserDto[];

  @Nested(UpdateSettingsDto)
  settings?: UpdateSettingsDto;
}

export class ImportQuery {
  @QueryFlag({ default: false, description: 'true: answer what would change, write nothing' })
  dry_run?: boolean;
}

export class ImportOutcome {
  @ApiProperty({ type: [String] }) created: string[];
  @ApiProperty({ type: [String] }) updated: string[];
  @ApiProperty({ type: [String] }) unchanged: string[];
}

export class ImportResult {
  @ApiProperty({ example: false }) dry_run: boolean;
  @ApiProperty({ type: ImportOutcome, description: 'client ids' }) applications: ImportOutcome;
  @ApiProperty({ type: ImportOutcome, description: 'usernames' }) users: ImportOutcome;
  @ApiProperty({ enum: ['updated', 'unchanged'] }) settings: 'updated' | 'unchanged';
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Secrets generated for confidential applications imported without one, by client id; shown once',
  })
  generated_secrets?: Record<string, string>;
}

/** What GET /admin/export returns: an import document without secrets or password hashes. */
export class ExportDocument {
  @ApiProperty({ type: [CreateApplicationDto] }) applications: Omit<CreateApplicationDto, 'client_secret'>[];
  @ApiProperty({ type: [CreateUserDto] }) users: Omit<CreateUserDto, 'password' | 'password_hash'>[];
  @ApiProperty({ type: UpdateSettingsDto }) settings: Required<UpdateSettingsDto>;
}
