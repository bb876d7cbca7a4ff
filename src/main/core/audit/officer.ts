import { userInfo } from 'node:os';

/**
 * Who acted, when the face gave no name: the operating-system account running Lethe (the only
 * identity a single-user install has). Never "system": an entry names an accountable person. In
 * team mode the database writes its own `current_user` whatever is given here.
 */
export function officerName(given?: string | null): string {
  const named = given?.trim();
  if (named) return named.slice(0, 200);
  try {
    const name = userInfo().username.trim();
    if (name !== '' && name.toLowerCase() !== 'system') return name.slice(0, 200);
  } catch {
    // No passwd entry for this uid (some containers): fall through.
  }
  return 'local account';
}
