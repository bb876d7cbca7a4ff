import { requestBasis } from './citations';
import { HTML_END, escapeHtml, hrefFor, htmlHead } from './html';
import { holderName, type ArchiveInput } from './input';
import type { ArchivePlan, OutputRecord, RecordType } from './project';

export const RECORD_TITLES: Record<RecordType, string> = {
  profile: 'Profile',
  identities: 'Identities (email addresses, phone numbers and other sign-ins)',
  organizations: 'Organizations',
  tickets: 'Tickets',
  comments: 'Comments',
  attachments: 'Files you uploaded',
};

export interface IndexContext {
  input: Pick<ArchiveInput, 'kind' | 'regulation' | 'subject' | 'workspace' | 'generatedAt' | 'dataAsOf' | 'letheVersion' | 'requestId'> &
    Partial<Pick<ArchiveInput, 'coverage'>>;
  plan: ArchivePlan;
  /** Record types with data files in this archive, in display order. */
  recordTypes: readonly RecordType[];
  /** Extra documents, shown as links: path and title. */
  documents: readonly { path: string; title: string }[];
}

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '<span class="muted">—</span>';
  if (Array.isArray(value)) return escapeHtml(value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', '));
  if (typeof value === 'object') return escapeHtml(JSON.stringify(value));
  return escapeHtml(value);
};

function* table(
  records: readonly OutputRecord[],
  columns: readonly [key: string, title: string][],
  textColumns: ReadonlySet<string> = new Set(),
): Generator<string> {
  if (records.length === 0) {
    yield '<p class="muted">None.</p>\n';
    return;
  }
  yield `<table>\n<thead><tr>${columns.map(([, title]) => `<th>${escapeHtml(title)}</th>`).join('')}</tr></thead>\n<tbody>\n`;
  for (const record of records) {
    yield `<tr>${columns
      .map(([key]) => {
        const withheld = key === 'body' && record.withheld === true;
        const klass = withheld ? ' class="withheld"' : textColumns.has(key) ? ' class="text"' : '';
        return `<td${klass}>${cell(record[key])}</td>`;
      })
      .join('')}</tr>\n`;
  }
  yield '</tbody>\n</table>\n';
}

/** Words for the data files' field names: the subject reads this page, not a developer. */
const FIELD_LABELS: Record<string, string> = {
  userId: 'Account number',
  name: 'Name',
  email: 'Email address',
  phone: 'Phone number',
  role: 'Role',
  locale: 'Language',
  timeZone: 'Time zone',
  createdAt: 'Created',
  updatedAt: 'Last changed',
  organizationIds: 'Organization numbers',
  tags: 'Tags',
  notes: 'Notes',
  details: 'Details',
  suspended: 'Suspended',
  verified: 'Verified',
  externalId: 'External reference',
  userFields: 'Other profile fields',
};

/** A known label, else the camelCase key spelt as words ("lastLoginAt" → "Last login at"). */
export function fieldLabel(key: string): string {
  const known = FIELD_LABELS[key];
  if (known !== undefined) return known;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/\bId\b/gi, 'number')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function* definitionList(record: OutputRecord): Generator<string> {
  yield '<dl>\n';
  for (const [key, value] of Object.entries(record)) yield `<dt>${escapeHtml(fieldLabel(key))}</dt><dd class="text">${cell(value)}</dd>\n`;
  yield '</dl>\n';
}

function* attachmentTable(plan: ArchivePlan): Generator<string> {
  if (plan.attachments.length === 0) {
    yield '<p class="muted">None.</p>\n';
    return;
  }
  yield '<table>\n<thead><tr><th>File</th><th>Ticket</th><th>Type</th><th>Size (bytes)</th></tr></thead>\n<tbody>\n';
  for (const { record, path } of plan.attachments) {
    const name = escapeHtml(record.fileName);
    const link =
      record.included === true
        ? `<a href="${hrefFor(path)}">${name}</a>`
        : `${name} <span class="muted">(${escapeHtml(record.note)})</span>`;
    yield `<tr><td>${link}</td><td>${cell(record.ticketId)}</td><td>${cell(record.contentType)}</td><td>${cell(record.size)}</td></tr>\n`;
  }
  yield '</tbody>\n</table>\n';
}

const COLUMNS: Partial<Record<RecordType, readonly [string, string][]>> = {
  identities: [
    ['type', 'Type'],
    ['value', 'Value'],
    ['verified', 'Verified'],
    ['primary', 'Primary'],
    ['userId', 'Account'],
  ],
  organizations: [
    ['name', 'Name'],
    ['domainNames', 'Domains'],
    ['details', 'Details'],
    ['notes', 'Notes'],
    ['createdAt', 'Created'],
  ],
  tickets: [
    ['id', 'Ticket'],
    ['subjectLine', 'Subject'],
    ['status', 'Status'],
    ['yourRoles', 'Your role'],
    ['otherParticipants', 'Other participants'],
    ['createdAt', 'Created'],
  ],
  comments: [
    ['ticketId', 'Ticket'],
    ['createdAt', 'Date'],
    ['author', 'By'],
    ['body', 'Text'],
  ],
};

/** The overview a person can open by double-clicking, with no network and no script. */
export function* indexHtml(ctx: IndexContext): Generator<string> {
  const { input, plan } = ctx;
  const title = input.kind === 'access' ? 'Copy of your personal data' : 'Your data, ready to take elsewhere';
  yield htmlHead(`${title} — ${holderName(input)}`);
  yield `<h1>${escapeHtml(title)}</h1>\n<dl>\n`;
  const facts: [string, string | null][] = [
    ['For', input.subject.displayName],
    ['Held by', holderName(input)],
    ['Answering', requestBasis(input.regulation, input.kind)],
    ['Request reference', input.requestId],
    ['Data as of', input.dataAsOf],
    ['Generated', input.generatedAt],
    ['Generated with', `Lethe ${input.letheVersion}`],
  ];
  for (const [term, value] of facts) if (value !== null) yield `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>\n`;
  yield '</dl>\n';

  yield* coverageTable(input.coverage ?? []);

  yield '<h2>Contents</h2>\n<ul>\n';
  for (const doc of ctx.documents) yield `<li><a href="${hrefFor(doc.path)}">${escapeHtml(doc.title)}</a></li>\n`;
  for (const type of ctx.recordTypes) {
    yield `<li><a href="#${type}">${escapeHtml(RECORD_TITLES[type])}</a>: <a href="${hrefFor(`data/${type}.json`)}">JSON</a>, <a href="${hrefFor(`data/${type}.csv`)}">CSV</a></li>\n`;
  }
  yield `<li><a href="${hrefFor('manifest.json')}">Checksums of every file (manifest.json)</a></li>\n</ul>\n`;

  for (const type of ctx.recordTypes) {
    yield `<h2 id="${type}">${escapeHtml(RECORD_TITLES[type])}</h2>\n`;
    yield `<p class="muted">Files: <a href="${hrefFor(`data/${type}.json`)}">data/${type}.json</a>, <a href="${hrefFor(`data/${type}.csv`)}">data/${type}.csv</a></p>\n`;
    if (type === 'attachments') {
      yield* attachmentTable(plan);
    } else if (type === 'profile') {
      for (const record of plan.records.profile ?? []) yield* definitionList(record);
    } else {
      yield* table(plan.records[type] ?? [], COLUMNS[type] ?? [], new Set(['body', 'subjectLine', 'details', 'notes']));
    }
  }

  if (plan.surfaces.length > 0) {
    yield `<h2 id="other-places">Other places in the helpdesk</h2>\n<p class="muted">File: <a href="${hrefFor('data/other-places.json')}">data/other-places.json</a></p>\n`;
    yield* table(
      plan.surfaces,
      [
        ['place', 'Place'],
        ['at', 'Date'],
        ['ticketId', 'Ticket'],
        ['yourRole', 'Your role'],
        ['why', 'Why it is yours'],
      ],
      new Set(),
    );
  }

  yield '<h2 id="left-out">What was left out, and why</h2>\n';
  if (plan.exclusions.length === 0) {
    yield '<p>Nothing was left out.</p>\n';
  } else {
    yield '<table>\n<thead><tr><th>What</th><th>How many</th><th>Why</th></tr></thead>\n<tbody>\n';
    for (const e of plan.exclusions)
      yield `<tr><td>${escapeHtml(e.category.replace(/_/g, ' '))}</td><td>${e.count}</td><td>${escapeHtml(e.reason)}</td></tr>\n`;
    yield '</tbody>\n</table>\n';
  }
  yield HTML_END;
}

const NOT_SEARCHED: Record<string, string> = {
  permission: 'not searched: our connection may not read it',
  not_enabled: 'not searched: not enabled on our helpdesk',
  error: 'not searched: it could not be read',
  not_looked: 'not searched for this copy',
  not_supported: 'not searched by this tool',
  incomplete: 'not searched fully',
};

/** Where we looked for your data: every place, searched or why not, as of when, how many items. */
function* coverageTable(coverage: NonNullable<ArchiveInput['coverage']>): Generator<string> {
  if (coverage.length === 0) return;
  yield '<h2 id="where">Where we looked</h2>\n<table>\n<thead><tr><th>Place</th><th>Searched</th><th>As of</th><th>Items</th></tr></thead>\n<tbody>\n';
  for (const c of coverage) {
    const searched = c.searched ? 'yes' : (NOT_SEARCHED[c.reason ?? 'error'] ?? 'not searched');
    yield `<tr><td>${escapeHtml(c.label)}</td><td>${escapeHtml(searched)}</td><td>${cell(c.asOf)}</td><td>${cell(c.items)}</td></tr>\n`;
  }
  yield '</tbody>\n</table>\n';
}
