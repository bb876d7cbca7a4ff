import { mkdir, readFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LetheError } from '../../../shared/errors';
import { Settings } from '../../../shared/schemas/settings';
import { writeFileAtomic } from '../fs/atomic-write';

const StoredWorkspace = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.literal('zendesk'),
    baseUrl: z.string(),
    email: z.string(),
    /**
     * Set when the address or agent changed without a token: the stored token (or LETHE_API_TOKEN)
     * was entered for the old one and must not go to the new one. Absent otherwise.
     */
    tokenRequired: z.literal(true).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type StoredWorkspace = z.infer<typeof StoredWorkspace>;

export const CONFIG_VERSION = 1;

const ConfigFile = z
  .object({
    version: z.literal(CONFIG_VERSION),
    workspaces: z.array(StoredWorkspace),
    activeId: z.string().nullable(),
    settings: Settings,
  })
  .strict();
export type ConfigFile = z.infer<typeof ConfigFile>;

export function emptyConfig(): ConfigFile {
  return { version: CONFIG_VERSION, workspaces: [], activeId: null, settings: Settings.parse({}) };
}

/**
 * `lethe.json` in the data directory: workspaces (never their secrets) and settings. Writes are
 * serialised and atomic so two quick edits cannot interleave or leave half a file.
 */
export class ConfigStore {
  readonly path: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataDir: string) {
    this.path = join(dataDir, 'lethe.json');
  }

  async read(): Promise<ConfigFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig();
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new LetheError('db_corrupt', `The settings file ${this.path} is not valid JSON; it was left untouched`);
    }
    if (typeof json === 'object' && json !== null && 'version' in json && Number(json.version) > CONFIG_VERSION) {
      throw new LetheError('db_from_future', 'The settings file was written by a newer Lethe; it was left untouched');
    }
    const parsed = ConfigFile.safeParse(json);
    if (!parsed.success) {
      throw new LetheError('db_corrupt', `The settings file ${this.path} does not match its schema; it was left untouched`);
    }
    return parsed.data;
  }

  /** Applies `change` to the current file contents and writes the result, one change at a time. */
  update<T>(change: (config: ConfigFile) => T): Promise<T> {
    const run = this.#queue.then(async () => {
      const config = await this.read();
      const result = change(config);
      await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.path, `${JSON.stringify(ConfigFile.parse(config), null, 2)}\n`);
      await chmod(this.path, 0o600);
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
