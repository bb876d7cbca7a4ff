import { UTF8_BOM, csvRow, type CsvValue } from './csv';
import type { ArchiveKind } from './input';
import type { OutputRecord, RecordType } from './project';

/**
 * The columns of each CSV, fixed so that a file with no rows still has its header and so that
 * a spreadsheet user sees the same columns from one archive to the next. A test checks them
 * against the records the plan produces.
 */
export const CSV_COLUMNS: Record<ArchiveKind, Partial<Record<RecordType, readonly string[]>>> = {
  access: {
    profile: [
      'userId',
      'name',
      'email',
      'phone',
      'role',
      'locale',
      'timeZone',
      'createdAt',
      'updatedAt',
      'organizationIds',
      'tags',
      'notes',
      'details',
      'suspended',
      'verified',
      'externalId',
      'userFields',
    ],
    identities: ['id', 'userId', 'type', 'value', 'verified', 'primary', 'createdAt'],
    organizations: ['id', 'name', 'domainNames', 'details', 'notes', 'tags', 'createdAt'],
    tickets: [
      'id',
      'subjectLine',
      'description',
      'descriptionWithheld',
      'writtenByYou',
      'status',
      'priority',
      'type',
      'channel',
      'tags',
      'createdAt',
      'updatedAt',
      'yourRoles',
      'otherParticipants',
      'customFields',
    ],
    comments: ['id', 'ticketId', 'createdAt', 'public', 'author', 'authorUserId', 'withheld', 'body', 'attachmentIds'],
    attachments: ['id', 'ticketId', 'commentId', 'fileName', 'contentType', 'size', 'path', 'included', 'note'],
  },
  portability: {
    profile: ['userId', 'name', 'email', 'phone', 'locale', 'timeZone', 'createdAt'],
    identities: ['id', 'userId', 'type', 'value', 'verified', 'primary', 'createdAt'],
    tickets: ['id', 'subjectLine', 'description', 'createdAt'],
    comments: ['id', 'ticketId', 'createdAt', 'public', 'author', 'authorUserId', 'withheld', 'body', 'attachmentIds'],
    attachments: ['id', 'ticketId', 'commentId', 'fileName', 'contentType', 'size', 'path', 'included', 'note'],
  },
};

/** A JSON array, one record per line, produced record by record so no file is built whole. */
export function* jsonRecords(records: readonly OutputRecord[]): Generator<string> {
  if (records.length === 0) {
    yield '[]\n';
    return;
  }
  yield '[\n';
  for (let i = 0; i < records.length; i += 1) {
    yield `  ${JSON.stringify(records[i])}${i < records.length - 1 ? ',' : ''}\n`;
  }
  yield ']\n';
}

export function* csvRecords(columns: readonly string[], records: readonly OutputRecord[]): Generator<string> {
  yield UTF8_BOM + csvRow(columns);
  for (const record of records) yield csvRow(columns.map((column) => csvCell(record[column])));
}

function csvCell(value: unknown): CsvValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join('; ');
  return JSON.stringify(value);
}
