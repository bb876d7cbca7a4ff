import type { PlanSurfaceItem, SurfaceId, SurfaceItem, SurfaceReadMode } from '../../../shared/schemas/surfaces';
import type { Dossier } from '../../../shared/contract/groups/subjects';
import type { SqliteDb } from '../db/sqlite';
import type { ZendeskClient } from '../helpdesk';
import type { OperationHandler } from '../journal';
import type { Json } from '../journal/types';

/** Who the person is, as a surface needs it to find their items. */
export interface SubjectKeys {
  /** The person's confirmed accounts, the requested one first. */
  userIds: number[];
  /** Their e-mail addresses, lower-cased. */
  emails: string[];
  /** Their phone numbers, as digits only. */
  phones: string[];
  /** Names on their accounts (trimmed), for surfaces that only carry a name. */
  names: string[];
  /** Tickets the person takes part in (from the cache), for per-ticket surfaces. */
  ticketIds: number[];
  /**
   * Every other live ticket in the cache, for surfaces Zendesk lists only per ticket with no
   * filter by person (side conversations): someone else's ticket can hold the person.
   */
  otherTicketIds?: number[];
  /**
   * How many other tickets still wait for a first read beyond `otherTicketIds` (a look reads a
   * bounded number; the rest go to the next look, and this one reports "incomplete").
   */
  otherTicketsLeft?: number;
  /** Told of every ticket a per-ticket surface read through, with its participants' keys (the index). */
  onTicketRead?: (ticketId: number, keys: string[]) => void;
}

/** One item a surface found for the person: what the dossier shows, plus what the archives need. */
export interface FoundItem extends SurfaceItem {
  /** The whole record as the helpdesk keeps it (access archive). */
  record: Record<string, Json>;
  /** Only what the person provided (portability archive), or null when they provided nothing. */
  provided: Record<string, Json> | null;
  /** Personal values inside the item to remove when it is redacted (and to look for afterwards). */
  strings: string[];
  /**
   * Names of the other people inside the item (a side conversation's agent or supplier), so the
   * access archive masks them like the other people on the person's tickets. Absent in older looks.
   */
  otherNames?: string[];
}

export interface LookContext {
  client: ZendeskClient;
  subject: SubjectKeys;
  signal?: AbortSignal | undefined;
}

/** A surface's decision on one item: what the plan adds to the item's id, ticket, roles and label. */
export type SurfaceItemDecision = Omit<PlanSurfaceItem, 'surface' | 'id' | 'ticketId' | 'roles' | 'label'>;

/** What an erasure plan's decision on a surface item needs to know of the rest of the plan. */
export interface DecideContext {
  /** The plan's decision on the item's ticket, when it has one. */
  ticketDecision(ticketId: number): 'delete' | 'redact' | 'keep' | 'blocked' | 'review' | undefined;
}

/** The payload of a surface item's journal operation (personal strings included: the journal is encrypted). */
export interface SurfaceOpPayload {
  [key: string]: Json;
  surface: SurfaceId;
  itemId: string;
  ticketId: number | null;
  decision: 'delete' | 'redact';
  strings: string[];
}

/**
 * A surface: one place the helpdesk keeps a person. Synced surfaces are read from the cache by the
 * dossier's own lists and only report their count here; on-demand surfaces implement `look` and
 * are read for the subject and kept in the cache with the time of the look (store.ts).
 */
export interface SurfaceDefinition {
  id: SurfaceId;
  label: string;
  read: SurfaceReadMode;
  /** Synced: the person's items on this surface, counted from the dossier summary. */
  countFromDossier?(dossier: Pick<Dossier, 'summary'>): number;
  /** On demand: read the person's items live. Errors propagate: the caller classifies them. */
  look?(ctx: LookContext): Promise<FoundItem[]>;
  /** The erasure plan's decision on one item (on-demand surfaces). */
  decide?(item: FoundItem, ctx: DecideContext): SurfaceItemDecision;
  /** Synced surfaces with an erasure step: the plan's items, from the dossier the plan is built on. */
  planItems?(dossier: Pick<Dossier, 'customFields'>): PlanSurfaceItem[];
  /** Synced surfaces: an item's personal values as the cache holds them (the journal payload's strings). */
  cachedStrings?(db: SqliteDb, itemId: string): string[];
  /**
   * Which of the items decided delete or redact get an operation of their own (default: all). An
   * item that goes with its ticket (Talk's voice comments) has none and is read back by verification.
   */
  opFor?(item: PlanSurfaceItem): boolean;
  /** Journal handler for the items decided delete or redact; its kind is `surface.<id>`. */
  handler?(client: ZendeskClient): OperationHandler;
  /** Verification: is the item still holding the person after the run? */
  stillThere?(client: ZendeskClient, op: SurfaceOpPayload, signal?: AbortSignal): Promise<boolean>;
}

/** A look that read what its budget allowed: the surface is reported "not searched fully", never as complete. */
export class SurfaceIncomplete extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'SurfaceIncomplete';
  }
}

export const surfaceOpKind = (id: SurfaceId): string => `surface.${id}`;
