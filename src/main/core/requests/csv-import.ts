import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { RequestChannel, RequestStatus, type ImportError } from '../../../shared/contract/groups/requests';
import { addDays, endOfLocalDay, isIsoDate, regulationSchema, requestTypeSchema } from '../../../shared/deadlines';
import { isoDateTime, LIMITS } from '../../../shared/schemas/common';
import { checkNewRequest, type NewRequest } from './request-service';

/** Columns an import may set; the register's own export has these and more. */
export const IMPORT_COLUMNS = [
  'type',
  'regulation',
  'channel',
  'receivedAt',
  'requesterName',
  'requesterEmail',
  'requesterPhone',
  'subjectId',
  'owner',
  'notes',
  'status',
  'statusReason',
  'denialArticle',
  'closedAt',
] as const;

/** Columns of the register's CSV export that an import reads past (they are computed or set by actions). */
export const EXPORT_ONLY_COLUMNS = [
  'reference',
  'id',
  'timeZone',
  'due',
  'initialDue',
  'daysRemaining',
  'extended',
  'extensionReason',
  'extensionNoticeAt',
  'verificationMethod',
  'dataPointsMatched',
  'verifiedBy',
  'verifiedAt',
  'contactPurgedAt',
  'links',
  'createdAt',
  'updatedAt',
] as const;

const REQUIRED = ['type', 'regulation', 'receivedAt'] as const;
export const MAX_IMPORT_ROWS = 5_000;

const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? undefined : v));

/** A cell is text; an instant needs its offset, or a plain date means the start of that day in the organization's zone. */
const instantCell = (timeZone: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (isoDateTime.safeParse(v).success) return v;
      if (isIsoDate(v)) return new Date(Date.parse(endOfLocalDay(addDays(v, -1), timeZone)) + 1).toISOString();
      ctx.addIssue({ code: 'custom', message: 'an ISO date-time with offset (2025-03-01T09:30:00+01:00) or a date (2025-03-01)' });
      return z.NEVER;
    });

function rowSchema(timeZone: string) {
  return z.object({
    type: requestTypeSchema,
    regulation: z.preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .trim()
              .toUpperCase()
              .replace(/[\s-]+/g, '_')
          : v,
      regulationSchema,
    ),
    channel: z.preprocess((v) => (v === '' || v === undefined ? 'other' : v), RequestChannel),
    receivedAt: instantCell(timeZone),
    requesterName: optional(LIMITS.shortText),
    requesterEmail: optional(LIMITS.shortText).pipe(z.email().optional()),
    requesterPhone: optional(40).pipe(
      z
        .string()
        .regex(/^[+\d\s().\-/]*$/, 'digits, spaces and + ( ) - . /')
        .optional(),
    ),
    subjectId: optional(20).pipe(
      z
        .string()
        .regex(/^\d+$/, 'a helpdesk user id (digits)')
        .transform(Number)
        .pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
        .optional(),
    ),
    owner: optional(LIMITS.shortText),
    notes: optional(LIMITS.longText),
    status: z.preprocess((v) => (v === '' || v === undefined ? undefined : v), RequestStatus.optional()),
    statusReason: optional(LIMITS.longText),
    denialArticle: optional(LIMITS.shortText),
    closedAt: z.preprocess((v) => (v === '' ? undefined : v), instantCell(timeZone).optional()),
  });
}

export interface ImportPlan {
  rows: number;
  errors: ImportError[];
  requests: NewRequest[];
}

/**
 * Reads and checks every row; the caller imports only when `errors` is empty, so one bad row
 * leaves the register untouched. Row numbers are spreadsheet line numbers (the header is row 1).
 */
export function planImport(csv: string, timeZone: string): ImportPlan {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return {
      rows: 0,
      errors: [{ row: line ?? 1, column: null, message: `Not readable as CSV: ${(error as Error).message}` }],
      requests: [],
    };
  }
  const [header, ...data] = records;
  if (!header) return { rows: 0, errors: [{ row: 1, column: null, message: 'The file is empty' }], requests: [] };
  const names = header.map((h) => h.trim());
  const errors: ImportError[] = [];
  const known = new Set<string>([...IMPORT_COLUMNS, ...EXPORT_ONLY_COLUMNS]);
  for (const name of names) {
    if (!known.has(name)) errors.push({ row: 1, column: name, message: `Unknown column; expected some of: ${IMPORT_COLUMNS.join(', ')}` });
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) errors.push({ row: 1, column: name, message: 'The column appears twice' });
    seen.add(name);
  }
  for (const name of REQUIRED) if (!names.includes(name)) errors.push({ row: 1, column: name, message: 'Required column is missing' });
  if (data.length === 0) errors.push({ row: 2, column: null, message: 'No rows to import' });
  if (data.length > MAX_IMPORT_ROWS)
    errors.push({ row: MAX_IMPORT_ROWS + 2, column: null, message: `At most ${MAX_IMPORT_ROWS} rows per import` });
  if (errors.length > 0) return { rows: data.length, errors, requests: [] };

  const schema = rowSchema(timeZone);
  const requests: NewRequest[] = [];
  data.forEach((cells, index) => {
    const row = index + 2;
    if (cells.length !== names.length) {
      errors.push({ row, column: null, message: `Has ${cells.length} cells; the header has ${names.length}` });
      return;
    }
    const record: Record<string, string> = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, '']));
    names.forEach((name, i) => {
      if ((IMPORT_COLUMNS as readonly string[]).includes(name)) record[name] = cells[i] ?? '';
    });
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors.push({ row, column: issue.path.map(String).join('.') || null, message: issue.message });
      return;
    }
    const r = parsed.data;
    const request: NewRequest = {
      type: r.type,
      regulation: r.regulation,
      channel: r.channel,
      receivedAt: r.receivedAt,
      timeZone,
      requester: { name: r.requesterName, email: r.requesterEmail, phone: r.requesterPhone },
      subjectId: r.subjectId,
      owner: r.owner,
      notes: r.notes,
      status: r.status,
      statusReason: r.statusReason,
      denialArticle: r.denialArticle,
      closedAt: r.closedAt,
    };
    const problem = checkNewRequest(request);
    if (problem) {
      errors.push({ row, column: null, message: problem });
      return;
    }
    requests.push(request);
  });
  return { rows: data.length, errors, requests };
}
