import { Body, Query } from '@nestjs/common';
import { AdminAction, AdminController, AdminRead } from '../admin-controller.decorator';
import { ExportDocument, ImportDocumentDto, ImportQuery, ImportResult } from '../dto/import.dto';
import { ImportService } from './import.service';

@AdminController('admin', 'admin: migration')
export class ImportExportController {
  constructor(private readonly migration: ImportService) {}

  @AdminAction('import', 'Import applications, users and settings from another system, all or nothing', ImportResult, {
    description:
      'Entries are matched by client_id and username; only what differs is written, so the same file twice changes nothing. Any bad entry is a 400 listing every bad entry by index and field, and nothing is written. Secrets and passwords are set only when an entry is created.',
    badRequest: 'Bad entries, each named by index and field; nothing written',
    conflict: 'An entry was created concurrently; nothing written',
  })
  import(@Body() document: ImportDocumentDto, @Query() query: ImportQuery): Promise<ImportResult> {
    return this.migration.import(document, query.dry_run ?? false);
  }

  @AdminRead('export', 'Export applications, users and settings as an import document, without secrets or password hashes', ExportDocument)
  export(): Promise<ExportDocument> {
    return this.migration.export();
  }
}
