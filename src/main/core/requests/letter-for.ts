import type { Request } from '../../../shared/contract/groups/requests';
import type { LetterTemplateName as LetterTemplate } from '../../../shared/letters/letters';
import { localDateOf } from '../../../shared/deadlines';
import { renderLetter } from '../../../shared/letters';

const TYPE_WORDS: Record<string, string> = {
  access: 'access',
  portability: 'data portability',
  erasure: 'erasure (deletion)',
  rectification: 'rectification (correction)',
  restriction: 'restriction of processing',
  objection: 'objection',
  'opt-out': 'opt-out',
};

/** A response letter for a request, as the local and the team register both produce it. */
export function letterFor(
  request: Request,
  template: LetterTemplate,
  settings: { organizationName: string; timeZone: string },
  asOf?: string,
): { template: LetterTemplate; subject: string; text: string; html: string; fileBase: string } {
  const today = localDateOf(asOf ?? new Date().toISOString(), settings.timeZone);
  const letter = renderLetter(template, {
    organizationName: settings.organizationName || null,
    requesterName: request.requester.name,
    reference: request.reference,
    requestType: TYPE_WORDS[request.type] ?? request.type,
    regulation: request.regulation,
    receivedOn: request.deadlines?.receivedOn ?? localDateOf(request.receivedAt, request.timeZone),
    dueOn: request.deadlines?.initialDue ?? null,
    extendedDueOn: request.deadlines?.extendedDue ?? null,
    extensionReason: request.extension?.reason ?? null,
    denialReason: request.status === 'denied' ? request.statusReason : null,
    denialArticle: request.status === 'denied' ? request.denialArticle : null,
    today,
    basis: request.deadlines?.basis ?? null,
  });
  return { template, ...letter, fileBase: `${request.reference}-${template}` };
}

/** Dotted paths whose values differ, so a settings change is logged as what changed, not as a copy. */
export function changedPaths(before: unknown, after: unknown, prefix: string): string[] {
  if (typeof before === 'object' && before !== null && typeof after === 'object' && after !== null && !Array.isArray(before)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) =>
      changedPaths((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], `${prefix}.${k}`),
    );
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}
