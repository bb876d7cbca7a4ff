import { z } from 'zod';
import { op } from '../define';
import { workspaceId } from '../../schemas/common';

/** Where a workspace's shared state lives: this machine (the default) or a team's PostgreSQL. */
export const TeamStatus = z
  .object({
    workspaceId,
    mode: z.enum(['local', 'team']),
    /** postgres://ROLE@HOST:PORT/DATABASE, never with a password. */
    where: z.string().nullable(),
    /** The PostgreSQL role this machine acts as (the actor of its changes). */
    role: z.string().nullable(),
    via: z.enum(['init', 'join']).nullable(),
    since: z.string().nullable(),
    /** null when local; false when the team database did not answer (the reason is in message). */
    reachable: z.boolean().nullable(),
    schemaVersion: z.number().int().nullable(),
    message: z.string(),
  })
  .strict();
export type TeamStatus = z.infer<typeof TeamStatus>;

const databaseUrl = z.string().trim().min(1).max(2000);
/** Given apart from the URL (the UI's password field, LETHE_TEAM_PASSWORD in the CLI). */
const password = z.string().min(1).max(1000);
const wsOpt = { workspaceId: workspaceId.optional() };

export const teamOperations = {
  'team.status': op({
    input: z.object({ ...wsOpt }).strict(),
    output: TeamStatus,
    summary: 'Say where the shared state of a workspace lives, and whether the team database answers',
    example: {},
  }),
  'team.init': op({
    input: z.object({ ...wsOpt, databaseUrl, password: password.optional() }).strict(),
    output: z
      .object({
        status: TeamStatus,
        migration: z.object({ from: z.number().int(), to: z.number().int(), applied: z.array(z.string()) }).strict(),
        moved: z
          .object({
            imported: z.boolean(),
            requests: z.number().int(),
            links: z.number().int(),
            entries: z.number().int(),
            runs: z.number().int(),
            operations: z.number().int(),
            head: z.object({ seq: z.number().int(), hash: z.string() }).strict().nullable(),
          })
          .strict(),
      })
      .strict(),
    summary: "Create or migrate the team schema and move this machine's register, audit chain and journal into it",
    example: { databaseUrl: 'postgres://lethe_owner@127.0.0.1:1/lethe' },
  }),
  'team.join': op({
    input: z.object({ ...wsOpt, databaseUrl, password: password.optional() }).strict(),
    output: TeamStatus,
    summary: "Connect this machine to a team database another machine initialised, as the officer's own role",
    example: { databaseUrl: 'postgres://dana@127.0.0.1:1/lethe' },
  }),
  'team.leave': op({
    input: z.object({ ...wsOpt }).strict(),
    output: TeamStatus,
    summary: 'Stop using the team database on this machine (the team database is not changed)',
    example: {},
  }),
};
