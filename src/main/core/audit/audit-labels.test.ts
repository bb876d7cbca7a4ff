import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_KINDS } from '../../../shared/contract/groups/actions';
import { AUDIT_ACTION_LABELS, auditActionWords, auditFactsInWords } from '../../../shared/audit-words';

const CORE = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Templates the core builds action names from, with every value they can take. */
const TEMPLATES: Record<string, string[]> = {
  'request.${change.status}': ['request.completed', 'request.denied', 'request.withdrawn'],
  'actions.${a.action}.queued': ACTION_KINDS.map((k) => `actions.${k}.queued`),
  'actions.${doc.action}': ACTION_KINDS.map((k) => `actions.${k}`),
};

/** Every action name an audit append in the core can carry: the `action` expressions of files that append. */
function appendedActions(): { names: Set<string>; unknownTemplates: string[] } {
  const names = new Set<string>();
  const unknownTemplates: string[] = [];
  for (const file of sources(CORE)) {
    const text = readFileSync(file, 'utf8');
    // auditData: the register rules shared by the local and team registers build the action beside its data.
    if (!/appendAudit|appendAuditRow|appendTeamAudit|audit: \(entry\)|auditData/.test(text)) continue;
    for (const m of text.matchAll(/\baction\s*[:=]\s*([\s\S]*?)(?:,\s*\n|;\s*\n|,\s*(?:requestId|subject|at|data|actor)\b)/g)) {
      const expression = m[1] ?? '';
      for (const lit of expression.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) names.add(lit[1]!);
      for (const tpl of expression.matchAll(/`([^`]+)`/g)) {
        const expanded = TEMPLATES[tpl[1]!];
        if (expanded) expanded.forEach((n) => names.add(n));
        else unknownTemplates.push(`${file}: ${tpl[1]}`);
      }
    }
  }
  return { names, unknownTemplates };
}

describe('audit action labels', () => {
  it('labels every action the core can append', () => {
    const { names, unknownTemplates } = appendedActions();
    expect(unknownTemplates).toEqual([]);
    // The scan must find the appends it is meant to cover, or it checks nothing.
    for (const known of ['erasure.executed', 'archive.exported', 'actions.object', 'request.denied', 'subjects.link_undone']) {
      expect(names).toContain(known);
    }
    const missing = [...names].filter((n) => AUDIT_ACTION_LABELS[n] === undefined).sort();
    expect(missing).toEqual([]);
  });

  it('says actions and facts in words, not raw names or JSON', () => {
    expect(auditActionWords('actions.object')).toBe('Objection recorded');
    const facts = auditFactsInWords({
      runId: 'r1',
      tickets: { delete: 2, redact: 1, keep: 0 },
      verified: true,
      fields: ['name', 'email'],
      emailChange: false,
    });
    expect(facts).toEqual([
      { label: 'Run', value: 'r1' },
      { label: 'Tickets', value: 'delete 2, redact 1' },
      { label: 'Verified', value: 'yes' },
      { label: 'Fields', value: 'name, email' },
      { label: 'E-mail changed', value: 'no' },
    ]);
    for (const f of facts) expect(f.value).not.toMatch(/[{}"]/);
  });
});
