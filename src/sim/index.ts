import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { ADMIN_EMAIL, AGENT_EMAIL, Dataset, type DatasetSize } from './dataset';
import { startServer } from './server';
import { SimState } from './state';
import { groundTruth, type SubjectTruth } from './truth';

/**
 * The Zendesk-compatible practice helpdesk: a generated dataset served over real HTTP with
 * Zendesk's paths, wrappers, pagination, errors, rate limits and deletion/redaction rules.
 */

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  size?: DatasetSize;
  seed?: number;
  /** Account budget per minute (default 700, Zendesk Enterprise). */
  rateLimitPerMinute?: number;
  /** Separate budget for /api/v2/incremental/* (default 10). */
  exportLimitPerMinute?: number;
  noLimits?: boolean;
  faults?: {
    errorRate?: number;
    slowMs?: number;
    dropRate?: number;
    /** Probability that an item of a bulk job fails even though it would have succeeded. */
    jobItemFailureRate?: number;
    /** Ids that always fail inside bulk jobs (deterministic failure injection for tests). */
    jobFailIds?: number[];
  };
  /** How long a bulk job takes to complete unless polled three times (default 300 ms). */
  jobDelayMs?: number;
  /** Fixed API tokens (default: random per start). */
  tokens?: { admin?: string; agent?: string };
  log?: (line: string) => void;
}

export interface Simulator {
  url: string;
  admin: { email: string; token: string };
  agent: { email: string; token: string };
  dataset: Dataset;
  state: SimState;
  groundTruth(userIdOrEmail: number | string): SubjectTruth;
  /** Moves simulated "now" forward (exports hold back the last minute). */
  advanceClock(seconds: number): void;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const dataset = new Dataset(options.seed ?? 1, options.size ?? 'tiny');
  const state = new SimState(dataset);
  const admin = { email: ADMIN_EMAIL, token: options.tokens?.admin ?? randomBytes(20).toString('hex') };
  const agent = { email: AGENT_EMAIL, token: options.tokens?.agent ?? randomBytes(20).toString('hex') };
  const timers = new Set<NodeJS.Timeout>();
  const { server, url } = await startServer({
    port: options.port ?? 0,
    state,
    credentials: [
      { ...admin, caller: { userId: dataset.userId(0), role: 'admin' } },
      { ...agent, caller: { userId: dataset.userId(1), role: 'agent' } },
    ],
    rateLimitPerMinute: options.rateLimitPerMinute ?? 700,
    exportLimitPerMinute: options.exportLimitPerMinute ?? 10,
    noLimits: options.noLimits ?? false,
    faults: { errorRate: options.faults?.errorRate ?? 0, slowMs: options.faults?.slowMs ?? 0, dropRate: options.faults?.dropRate ?? 0 },
    env: {
      jobDelayMs: options.jobDelayMs ?? 300,
      jobFailureRate: options.faults?.jobItemFailureRate ?? 0,
      jobFailIds: new Set(options.faults?.jobFailIds ?? []),
      timers,
    },
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    url,
    admin,
    agent,
    dataset,
    state,
    groundTruth: (u) => groundTruth(state, u),
    advanceClock: (seconds) => state.advanceClock(seconds * 1000),
    close: () => closeServer(server, timers),
  };
}

function closeServer(server: Server, timers: Set<NodeJS.Timeout>): Promise<void> {
  for (const t of timers) clearTimeout(t);
  timers.clear();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

export type { SubjectTruth, SubjectTicket, SubjectMention, ParticipantRole } from './truth';
export type { SimState } from './state';
export { Dataset, type DatasetSize } from './dataset';
export { suspendedOf, troubleSuspendedListing } from './suspended';
export { ratingsOf } from './satisfaction';
export { fieldValuesOf, notifiedOn, troubleAudits, ticketAudits, type FieldValueTruth } from './audits';
export { sideConversationsOf, troubleSideConversations } from './side-conversations';
export { helpCenterOf, setGuideRights, troubleHelpCenter, type HelpCenterKind } from './help-center';
export { talkOf, troubleTalk, setTalkEnabled, callOf } from './talk';
export { customObjectRecordsOf, setCustomObjectsEnabled, troubleCustomObjects, type CustomObjectTruth } from './custom-objects';
