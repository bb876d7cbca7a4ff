/** Shapes of the journal store, shared by the journal, the executor and the domains using them. */

export const OP_STATES = ['planned', 'sent', 'done', 'failed', 'skipped'] as const;
export type OpState = (typeof OP_STATES)[number];

export const RUN_STATES = ['draft', 'running', 'completed', 'needs_attention', 'abandoned'] as const;
export type RunState = (typeof RUN_STATES)[number];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface JournalOperation {
  id: string;
  runId: string;
  seq: number;
  /** Lower stages run first; a stage starts once every earlier one has settled. */
  stage: number;
  /** The handler that performs it, e.g. `ticket.softDelete`. */
  kind: string;
  /** Remote ids acted on (a ticket id, a comment id…). */
  targets: number[];
  payload: Json;
  dependsOn: string[];
  state: OpState;
  attempts: number;
  remoteJobId: string | null;
  result: Json;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  finishedAt: string | null;
}

export interface JournalRun<D = Json> {
  id: string;
  kind: string;
  state: RunState;
  subjectRef: string | null;
  document: D;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** An operation to add to a run; ids are assigned by the journal. `ref` names it for `dependsOn`. */
export interface NewOperation {
  ref: string;
  stage: number;
  kind: string;
  targets: number[];
  payload?: Json;
  /** `ref`s of operations of the same call that must be done first. */
  dependsOn?: string[];
}

export interface Transition {
  runId: string;
  opId: string;
  kind: string;
  from: OpState | null;
  to: OpState;
  at: string;
}

export type OpCounts = Record<OpState, number>;
