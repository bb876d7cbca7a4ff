import type { Request } from '../../../shared/contract/groups/requests';
import { csvRow, UTF8_BOM, type CsvValue } from '../archive/csv';
import { EXPORT_ONLY_COLUMNS, IMPORT_COLUMNS } from './csv-import';

type Column = (typeof IMPORT_COLUMNS)[number] | (typeof EXPORT_ONLY_COLUMNS)[number];

/** The register's CSV columns: reference first, then what an import reads, then computed facts. */
export const EXPORT_COLUMNS: readonly Column[] = [
  'reference',
  'id',
  ...IMPORT_COLUMNS,
  ...EXPORT_ONLY_COLUMNS.filter((c) => c !== 'reference' && c !== 'id'),
];

function cell(r: Request, column: Column): CsvValue {
  switch (column) {
    case 'reference':
      return r.reference;
    case 'id':
      return r.id;
    case 'type':
    case 'regulation':
    case 'channel':
    case 'receivedAt':
    case 'timeZone':
    case 'status':
    case 'statusReason':
    case 'denialArticle':
    case 'owner':
    case 'notes':
    case 'closedAt':
    case 'createdAt':
    case 'updatedAt':
    case 'subjectId':
      return r[column];
    case 'requesterName':
      return r.requester.name;
    case 'requesterEmail':
      return r.requester.email;
    case 'requesterPhone':
      return r.requester.phone;
    case 'contactPurgedAt':
      return r.requester.purgedAt;
    case 'due':
      return r.deadlines?.due ?? null;
    case 'initialDue':
      return r.deadlines?.initialDue ?? null;
    case 'daysRemaining':
      return r.dueIn?.daysRemaining ?? null;
    case 'extended':
      return r.extension !== null;
    case 'extensionReason':
      return r.extension?.reason ?? null;
    case 'extensionNoticeAt':
      return r.extension?.noticeAt ?? null;
    case 'verificationMethod':
      return r.verification?.method ?? null;
    case 'dataPointsMatched':
      return r.verification?.dataPointsMatched.join('; ') ?? null;
    case 'verifiedBy':
      return r.verification?.verifiedBy ?? null;
    case 'verifiedAt':
      return r.verification?.verifiedAt ?? null;
    case 'links':
      return r.links.map((l) => `${l.kind}:${l.ref}${l.sha256 ? `#sha256=${l.sha256}` : ''}`).join('; ');
  }
}

/** RFC 4180 with a BOM (Excel reads it as UTF-8); cells that a spreadsheet would run as formulas are neutralised. */
export function requestsToCsv(requests: readonly Request[]): string {
  return UTF8_BOM + csvRow([...EXPORT_COLUMNS]) + requests.map((r) => csvRow(EXPORT_COLUMNS.map((c) => cell(r, c)))).join('');
}

export function requestsToJson(requests: readonly Request[], meta: { exportedAt: string; workspaceId: string }): string {
  return `${JSON.stringify({ kind: 'lethe.request-register', version: 1, ...meta, count: requests.length, requests }, null, 2)}\n`;
}
