import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { EventPayload } from '../../shared/contract/events';
import type { SyncStatus } from '../../shared/contract/groups/sync';
import { CliFailure, EXIT } from '../cli-error';
import { openCoreSession } from '../core-session';
import { formatTable, processOutput } from '../output';

type Progress = EventPayload<'sync.progress'>;

/**
 * `lethe sync`: runs a sync of one workspace to its end through the same operations as the app.
 * A progress bar only on a terminal and without --json, so pipes and scripts get clean output.
 */
export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('Bring the local cache up to date from the helpdesk (resumes where the last sync stopped)')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print the final status as one JSON document')
    .addHelpText('after', '\nExamples:\n  lethe sync\n  lethe sync --workspace ws_abcdefgh1234 --json')
    .action(async (opts: { workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      const session = await openCoreSession();
      const bar =
        process.stdout.isTTY && !opts.json
          ? new SingleBar({ format: '{resource} [{bar}] {value}/{total} items  {rate}/s  eta {eta_formatted}', hideCursor: true })
          : null;
      try {
        const input = opts.workspace ? { workspaceId: opts.workspace } : {};
        // Which workspace, before listening: the run's events must not race our subscription.
        const { workspaceId } = await session.call('sync.status', input);
        let current = '';
        const finished = new Promise<Progress>((resolve) => {
          const unsubscribe = session.core.events.subscribe((name, payload) => {
            if (name !== 'sync.progress') return;
            const p = payload as Progress;
            if (p.workspaceId !== workspaceId) return;
            if (p.resource === 'all') {
              unsubscribe();
              resolve(p);
              return;
            }
            if (!bar) return;
            const total = Math.max(p.total ?? p.done, p.done, 1);
            if (p.resource !== current) {
              if (current) bar.stop();
              current = p.resource;
              bar.start(total, p.done, { resource: p.resource.padEnd(13), rate: Math.round(p.ratePerSecond) });
            } else {
              bar.setTotal(total);
              bar.update(p.done, { rate: Math.round(p.ratePerSecond) });
            }
          });
        });
        // A sync that was already running when we asked still ends with an 'all' event.
        await session.call('sync.start', { workspaceId });
        const end = await finished;
        bar?.stop();
        const status = await session.call('sync.status', { workspaceId });
        if (out.json) out.out(JSON.stringify(status, null, 2));
        else out.out(describe(status));
        if (end.phase !== 'done') {
          throw new CliFailure(
            { code: status.error?.code ?? 'internal_error', message: status.error?.message ?? `Sync ${end.phase}` },
            EXIT.failure,
          );
        }
      } finally {
        bar?.stop();
        await session.close();
      }
    });
}

function describe(status: SyncStatus): string {
  const rows = status.resources.map((r) => [
    r.resource,
    r.state,
    String(r.progress?.done ?? 0),
    r.lastSuccessAt ?? 'never',
    r.lastError ? r.lastError.code : '',
  ]);
  const counts = Object.entries(status.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    formatTable(['STREAM', 'STATE', 'ITEMS THIS RUN', 'COMPLETE AS OF', 'LAST ERROR'], rows),
    '',
    `Cache: ${counts}`,
    `Data as of: ${status.dataAsOf ?? 'not yet complete'}`,
  ].join('\n');
}
