import { labelOf } from '../surfaces/registry';
import type { ArchiveInput } from './input';
import type { Exclusion, OutputRecord } from './project';
import type { TextRedactor } from './redact-text';

/**
 * The items of the surfaces read on demand (suspended tickets, side conversations…) as archive
 * records. Access: every item with its record, other people's addresses, numbers and names in the
 * texts masked like everywhere else. Portability: only what the person provided; the rest is
 * listed as left out with the reason.
 */
export function planSurfaceRecords(
  input: ArchiveInput,
  redactor: TextRedactor,
  scope: string,
): { records: OutputRecord[]; exclusions: Exclusion[] } {
  const access = input.kind === 'access';
  const mask = (value: unknown): unknown => {
    if (typeof value === 'string') return redactor.redact(value);
    if (Array.isArray(value)) return value.map(mask);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
    return value;
  };
  const records: OutputRecord[] = [];
  let notProvided = 0;
  for (const item of input.surfaceItems) {
    const data = access ? item.record : item.provided;
    if (data === null) {
      notProvided++;
      continue;
    }
    records.push({
      place: labelOf(item.surface),
      id: item.id,
      ticketId: item.ticketId,
      at: item.at,
      yourRole: item.roles.join(', '),
      why: item.why,
      data: mask(data),
    });
  }
  const exclusions: Exclusion[] =
    notProvided > 0
      ? [
          {
            category: 'other_places_not_provided_by_you',
            count: notProvided,
            reason: `records in other places of the helpdesk that you did not provide (${scope})`,
          },
        ]
      : [];
  return { records, exclusions };
}
