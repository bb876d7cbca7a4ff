import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LetheError } from '../../../shared/errors';
import { writeFileAtomic } from '../fs/atomic-write';
import { teamTargetSchema, type TeamTarget } from './connection';

/**
 * Which workspaces keep their shared state in a team database: `team.json` in the data directory
 * (mode 0600, written atomically), beside lethe.json rather than in it. It says where (host, port,
 * database, role, TLS mode) and never holds a password: that is in the OS keychain under
 * `<workspace id>/team-password`.
 */

const entrySchema = z
  .object({
    target: teamTargetSchema,
    /** "init" on the machine that created or migrated the schema, "join" elsewhere. */
    via: z.enum(['init', 'join']),
    since: z.string().max(40),
  })
  .strict();
export type TeamEntry = z.infer<typeof entrySchema>;

const fileSchema = z.object({ version: z.literal(1), workspaces: z.record(z.string().max(100), entrySchema) }).strict();
type TeamFile = z.infer<typeof fileSchema>;

export const teamPasswordAccount = (workspaceId: string): string => `${workspaceId}/team-password`;

const pathOf = (dataDir: string): string => join(dataDir, 'team.json');

async function readTeamFile(dataDir: string): Promise<TeamFile> {
  let text: string;
  try {
    text = await readFile(pathOf(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, workspaces: {} };
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LetheError('db_corrupt', 'team.json in the data directory is not valid JSON; fix or remove it');
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new LetheError('db_corrupt', 'team.json in the data directory is not a Lethe team file; fix or remove it');
  return parsed.data;
}

export async function readTeamEntry(dataDir: string, workspaceId: string): Promise<TeamEntry | null> {
  return (await readTeamFile(dataDir)).workspaces[workspaceId] ?? null;
}

export async function writeTeamEntry(dataDir: string, workspaceId: string, entry: TeamEntry | null): Promise<void> {
  const file = await readTeamFile(dataDir);
  if (entry === null) delete file.workspaces[workspaceId];
  else file.workspaces[workspaceId] = entrySchema.parse(entry);
  await writeFileAtomic(pathOf(dataDir), `${JSON.stringify(file, null, 2)}\n`);
}

export type { TeamTarget };
