import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { SettingsPatch } from '../../shared/schemas/settings';
import { CliFailure, EXIT } from '../cli-error';
import { withSession } from '../core-session';
import { processOutput } from '../output';

const SHEET_KEYS = ['purposes', 'categories', 'recipients', 'retention', 'rights', 'complaint', 'source', 'automatedDecisions'] as const;

async function readSheetFile(path: string): Promise<z.infer<typeof SettingsPatch>['informationSheet']> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliFailure({ code: 'not_found', message: `Cannot read ${path}` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliFailure({ code: 'invalid_input', message: `${path} is not valid JSON` });
  }
  const parsed = SettingsPatch.shape.informationSheet.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliFailure({ code: 'invalid_input', message: `${path}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}` });
  }
  return parsed.data;
}

export function registerSettingsCommands(program: Command): void {
  const settings = program.command('settings').description('Organisation settings: name, time zone, and the Art. 15(1) information sheet');

  settings
    .command('show')
    .description('Print the settings')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExample:\n  lethe settings show --json')
    .action(async (opts: { json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const value = await session.call('settings.get', {});
        if (out.json) return out.out(JSON.stringify(value, null, 2));
        out.out(`Organisation: ${value.organizationName || '(not set)'}`);
        out.out(`Time zone:    ${value.timeZone}`);
        out.out(`Theme:        ${value.theme}`);
        const missing = SHEET_KEYS.filter((k) => value.informationSheet[k].trim() === '');
        out.out(`Information sheet: ${missing.length === 0 ? 'complete' : `missing ${missing.join(', ')}`}`);
      });
    });

  settings
    .command('set')
    .description('Change some settings; what is not given keeps its value')
    .option('--organization <name>', 'the organisation name used in letters and archives')
    .option('--time-zone <zone>', 'IANA time zone for received dates and deadlines, e.g. Europe/Berlin')
    .option('--information-sheet <file>', `a JSON file with the Art. 15(1)(a)-(h) texts: ${SHEET_KEYS.join(', ')}`)
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe settings set --organization "Acme Ltd" --time-zone Europe/Dublin\n  lethe settings set --information-sheet sheet.json --json',
    )
    .action(async (opts: { organization?: string; timeZone?: string; informationSheet?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      if (opts.organization === undefined && opts.timeZone === undefined && opts.informationSheet === undefined) {
        throw new CliFailure(
          { code: 'invalid_input', message: 'Nothing to change: give --organization, --time-zone or --information-sheet' },
          EXIT.usage,
        );
      }
      const informationSheet = opts.informationSheet === undefined ? undefined : await readSheetFile(opts.informationSheet);
      await withSession(async (session) => {
        const value = await session.call('settings.set', {
          ...(opts.organization !== undefined ? { organizationName: opts.organization } : {}),
          ...(opts.timeZone !== undefined ? { timeZone: opts.timeZone } : {}),
          ...(informationSheet !== undefined ? { informationSheet } : {}),
        });
        if (out.json) return out.out(JSON.stringify(value, null, 2));
        out.out('Settings saved.');
      });
    });
}
