import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { RegisterSettings, Request } from '../../../shared/contract/groups/requests';
import { parseRegisterSettings } from '../requests/register-settings';
import { LetheError } from '../../../shared/errors';
import { subjectRef } from '../audit/chain';
import { checkNewRequest, createdAuditData, type NewRequest } from '../requests/request-service';
import {
  identifiersAfter,
  referenceOf,
  requestEdits,
  rowToRequest,
  statusTransition,
  updatedAuditData,
  type RequestEdit,
  type RequestRow,
  type StatusChange,
} from '../requests/request-rows';
import type { RequestLink } from '../../../shared/contract/groups/requests';
import type { TeamPool } from './connection';
import { appendTeamAudit, lockChain } from './team-audit';

/**
 * The request register in the team database, with optimistic concurrency: every change names the
 * version it was made against, and a request changed by someone else since then is refused with a
 * `conflict` that says who changed what (read from the request's own audit entries, which carry
 * the version they produced). Never a silent overwrite.
 *
 * Each write is one transaction that starts by taking the chain's lock: the change, its audit
 * entry and the next request number are decided by one writer at a time. The presentation
 * (deadlines, references) is the local register's own (`rowToRequest`), so both stores show a
 * request the same way.
 */

export interface TeamRequest extends Request {
  version: number;
  createdBy: string;
  updatedBy: string;
}

interface TeamRow extends RequestRow {
  version: number;
  created_by: string;
  updated_by: string;
  subject_id: number | null;
}

export type RequestChange = RequestEdit;

const blank = (v: string | undefined | null): string | null => (v === undefined || v === null || v.trim() === '' ? null : v.trim());
const nowIso = (): string => new Date().toISOString();

/** Which register fields an audit action touched, for the conflict message. */
function fieldsOfEntry(action: string, data: Record<string, unknown>): string[] {
  if (action === 'request.updated') return Array.isArray(data.fields) ? data.fields.map(String) : ['fields'];
  if (action === 'request.verified') return ['verification'];
  if (action === 'request.extended') return ['extension'];
  if (action === 'request.linked') return ['links'];
  return ['status'];
}

function toRow(raw: Record<string, unknown>): TeamRow {
  const row = raw as unknown as TeamRow;
  return { ...row, subject_id: row.subject_id === null ? null : Number(row.subject_id) };
}

export class TeamRegister {
  constructor(
    private readonly team: TeamPool,
    private readonly auditKey: Buffer,
  ) {}

  async settingsIn(client: pg.ClientBase): Promise<RegisterSettings> {
    const r = await client.query<{ value: string }>(`SELECT value FROM lethe.register_settings WHERE key = 'register'`);
    return parseRegisterSettings(r.rows[0]?.value ?? null);
  }

  async #links(client: pg.ClientBase, id?: string): Promise<Map<string, RequestLink[]>> {
    const r = await client.query<{ request_id: string; kind: RequestLink['kind']; ref: string; sha256: string | null; at: string }>(
      id === undefined
        ? 'SELECT * FROM lethe.request_links ORDER BY at, ref'
        : 'SELECT * FROM lethe.request_links WHERE request_id = $1 ORDER BY at, ref',
      id === undefined ? [] : [id],
    );
    const map = new Map<string, RequestLink[]>();
    for (const l of r.rows) {
      const list = map.get(l.request_id) ?? [];
      list.push({ kind: l.kind, ref: l.ref, sha256: l.sha256, at: l.at });
      map.set(l.request_id, list);
    }
    return map;
  }

  #present(row: TeamRow, links: RequestLink[], settings: RegisterSettings, asOf: string): TeamRequest {
    return {
      ...rowToRequest(row, links, settings.deadlines, asOf),
      version: row.version,
      createdBy: row.created_by,
      updatedBy: row.updated_by,
    };
  }

  /** The request, its links and the register settings in one round trip. */
  async read(client: pg.ClientBase, id: string, asOf = nowIso()): Promise<TeamRequest> {
    const r = await client.query<Record<string, unknown> & { links: RequestLink[] | null; settings: string | null }>(
      `SELECT q.*,
              (SELECT json_agg(json_build_object('kind', l.kind, 'ref', l.ref, 'sha256', l.sha256, 'at', l.at) ORDER BY l.at, l.ref)
                 FROM lethe.request_links l WHERE l.request_id = q.id) AS links,
              (SELECT value FROM lethe.register_settings WHERE key = 'register') AS settings
         FROM lethe.requests q WHERE q.id = $1`,
      [id],
    );
    const raw = r.rows[0];
    if (!raw) throw new LetheError('not_found', `No request ${id}`);
    const { links, settings, ...row } = raw;
    return this.#present(toRow(row), links ?? [], parseRegisterSettings(settings), asOf);
  }

  /** The team's register settings (deadline rules, retention), shared by every officer. */
  settings(): Promise<RegisterSettings> {
    return this.team.withClient((client) => this.settingsIn(client));
  }

  get(id: string, asOf?: string): Promise<TeamRequest> {
    return this.team.withClient((client) => this.read(client, id, asOf));
  }

  /** Every request, newest first (the local register's order). */
  list(asOf = nowIso()): Promise<TeamRequest[]> {
    return this.team.withClient(async (client) => {
      const settings = await this.settingsIn(client);
      const links = await this.#links(client);
      const rows = await client.query('SELECT * FROM lethe.requests ORDER BY received_at DESC, number DESC');
      return rows.rows.map((raw) => {
        const row = toRow(raw);
        return this.#present(row, links.get(row.id) ?? [], settings, asOf);
      });
    });
  }

  #subjectRef(r: { email?: string | null | undefined; phone?: string | null | undefined; subjectId?: number | null | undefined }) {
    const identifier = blank(r.email) ?? blank(r.phone) ?? (r.subjectId ? `zendesk-user:${r.subjectId}` : null);
    return identifier === null ? null : subjectRef(this.auditKey, identifier);
  }

  create(r: NewRequest, source: 'form' | 'csv_import' = 'form'): Promise<TeamRequest> {
    return this.team.transaction((client) => this.createIn(client, r, source));
  }

  /** On the caller's transaction (an import creates many in one). */
  async createIn(client: pg.ClientBase, r: NewRequest, source: 'form' | 'csv_import' = 'form'): Promise<TeamRequest> {
    const problem = checkNewRequest(r);
    if (problem) throw new LetheError('invalid_input', problem);
    await lockChain(client);
    const at = nowIso();
    const id = `req_${randomBytes(10).toString('hex')}`;
    const next = await client.query<{ n: number }>('SELECT COALESCE(max(number), 0) + 1 AS n FROM lethe.requests');
    const number = Number(next.rows[0]?.n ?? 1);
    const status = r.status ?? 'received';
    const ref = this.#subjectRef({ ...r.requester, subjectId: r.subjectId });
    await client.query(
      `INSERT INTO lethe.requests (id, number, type, regulation, channel, received_at, time_zone, requester_name, requester_email,
           requester_phone, subject_ref, subject_id, status, status_reason, denial_article, owner, notes, created_at, updated_at, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19)`,
      [
        id,
        number,
        r.type,
        r.regulation,
        r.channel,
        r.receivedAt,
        r.timeZone,
        blank(r.requester.name),
        blank(r.requester.email),
        blank(r.requester.phone),
        ref,
        r.subjectId ?? null,
        status,
        blank(r.statusReason),
        blank(r.denialArticle),
        blank(r.owner),
        r.notes ?? '',
        at,
        r.closedAt ?? null,
      ],
    );
    await appendTeamAudit(
      client,
      this.auditKey,
      {
        actor: 'database',
        action: 'request.created',
        requestId: id,
        ...(ref !== null ? { subjectRef: ref } : {}),
        at,
        data: { ...createdAuditData(number, r, status, source), version: 1 },
      },
      { locked: true },
    );
    return this.read(client, id);
  }

  /**
   * Locks the request and checks it is still at the version the caller read; otherwise a
   * `conflict` naming who changed which fields since.
   */
  async lockAt(client: pg.ClientBase, id: string, expectedVersion: number): Promise<TeamRow> {
    await lockChain(client);
    const r = await client.query('SELECT * FROM lethe.requests WHERE id = $1 FOR UPDATE', [id]);
    if (!r.rows[0]) throw new LetheError('not_found', `No request ${id}`);
    const row = toRow(r.rows[0]);
    if (row.version === expectedVersion) return row;
    const since = await client.query<{ actor: string; action: string; data: string }>(
      `SELECT actor, action, data FROM lethe.audit_log
        WHERE request_id = $1 AND (data::jsonb ->> 'version') ~ '^[0-9]+$' AND (data::jsonb ->> 'version')::int > $2
        ORDER BY seq`,
      [id, expectedVersion],
    );
    const fields = [...new Set(since.rows.flatMap((e) => fieldsOfEntry(e.action, JSON.parse(e.data) as Record<string, unknown>)))];
    const by = [...new Set(since.rows.map((e) => e.actor))];
    const who = by.length > 0 ? by.join(', ') : row.updated_by;
    throw new LetheError(
      'conflict',
      `${referenceOf(row.number)} was changed by ${who} since you read it (version ${expectedVersion}, now ${row.version})` +
        `${fields.length > 0 ? `: ${fields.join(', ')}` : ''}. Reload it and make your change again.`,
      { currentVersion: row.version, expectedVersion, changedBy: who, fields: fields.join(',') },
    );
  }

  update(id: string, expectedVersion: number, change: RequestChange): Promise<TeamRequest> {
    return this.team.transaction((client) => this.updateIn(client, id, expectedVersion, change));
  }

  async updateIn(client: pg.ClientBase, id: string, expectedVersion: number, change: RequestChange, bulk = false): Promise<TeamRequest> {
    const row = await this.lockAt(client, id, expectedVersion);
    const sets = requestEdits(change, row);
    const fields = Object.keys(sets);
    if (fields.length === 0) return this.read(client, id);
    if (row.subject_ref === null) {
      const ref = this.#subjectRef(identifiersAfter(sets, row));
      if (ref !== null) sets.subject_ref = ref;
    }
    const at = nowIso();
    const keys = Object.keys(sets);
    await client.query(
      `UPDATE lethe.requests SET ${keys.map((k, i) => `${k} = $${i + 1}`).join(', ')}, updated_at = $${keys.length + 1} WHERE id = $${keys.length + 2}`,
      [...keys.map((k) => sets[k]), at, id],
    );
    await appendTeamAudit(
      client,
      this.auditKey,
      {
        actor: 'database',
        action: 'request.updated',
        requestId: id,
        at,
        data: {
          ...updatedAuditData(fields, sets),
          ...(bulk ? { bulk: true } : {}),
          version: row.version + 1,
        },
      },
      { locked: true },
    );
    return this.read(client, id);
  }

  setStatus(id: string, expectedVersion: number, change: StatusChange): Promise<TeamRequest> {
    return this.team.transaction((client) => this.setStatusIn(client, id, expectedVersion, change));
  }

  async setStatusIn(client: pg.ClientBase, id: string, expectedVersion: number, change: StatusChange): Promise<TeamRequest> {
    const row = await this.lockAt(client, id, expectedVersion);
    const at = nowIso();
    const t = statusTransition(row, change, at);
    if (t === null) return this.read(client, id);
    await client.query(
      'UPDATE lethe.requests SET status = $1, status_reason = $2, denial_article = $3, closed_at = $4, updated_at = $5 WHERE id = $6',
      [change.status, t.reason, t.article, t.closedAt, at, id],
    );
    await appendTeamAudit(
      client,
      this.auditKey,
      { actor: 'database', action: t.action, requestId: id, at, data: { ...t.auditData, version: row.version + 1 } },
      { locked: true },
    );
    return this.read(client, id);
  }

  /** Records a link (archive, erasure run, receipt, action); one already present is left as is. */
  link(id: string, link: { kind: RequestLink['kind']; ref: string; sha256: string | null }): Promise<void> {
    return this.team.transaction(async (client) => {
      await lockChain(client);
      const exists = await client.query<{ version: number }>('SELECT version FROM lethe.requests WHERE id = $1 FOR UPDATE', [id]);
      const version = exists.rows[0]?.version;
      if (version === undefined) throw new LetheError('not_found', `No request ${id}`);
      const at = nowIso();
      const inserted = await client.query(
        'INSERT INTO lethe.request_links (request_id, kind, ref, sha256, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [id, link.kind, link.ref, link.sha256, at],
      );
      if ((inserted.rowCount ?? 0) === 0) return;
      await client.query('UPDATE lethe.requests SET updated_at = $1 WHERE id = $2', [at, id]);
      await appendTeamAudit(
        client,
        this.auditKey,
        {
          actor: 'database',
          action: 'request.linked',
          requestId: id,
          at,
          data: { kind: link.kind, ref: link.ref, sha256: link.sha256, version: version + 1 },
        },
        { locked: true },
      );
    });
  }
}
