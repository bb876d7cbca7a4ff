import { LetheError } from '../../../shared/errors';

/** `subj_<user id>`: the helpdesk account the request was opened on; no personal data. */
export function subjectRefFor(userId: number): string {
  return `subj_${userId}`;
}

export function userIdOfRef(ref: string): number {
  const match = /^subj_([1-9][0-9]{0,15})$/.exec(ref);
  const id = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(id)) throw new LetheError('invalid_input', 'Not a subject reference');
  return id;
}
