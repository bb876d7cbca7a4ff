import type { Request } from '../../../../shared/contract/groups/requests';
import { TYPE_LABELS } from './labels';
import { useRegisterQuery } from './register-api';

/**
 * The open requests of this person (by helpdesk account), to attach an action or an archive to.
 * Work done for a request carries its reference into the journal, the archive and the audit trail.
 */
export function useSubjectRequests(userIds: number[]): { requests: Request[]; loading: boolean } {
  const list = useRegisterQuery('requests.list', { includeUnverified: true });
  const ids = new Set(userIds);
  const requests = (list.data?.requests ?? []).filter((r) => r.subjectId !== null && ids.has(r.subjectId));
  return { requests, loading: list.loading };
}

export function RequestPicker({
  id,
  userIds,
  value,
  onChange,
}: {
  id: string;
  userIds: number[];
  value: string;
  onChange: (requestId: string, request: Request | null) => void;
}): React.JSX.Element {
  const { requests, loading } = useSubjectRequests(userIds);
  const known = requests.some((r) => r.id === value);
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value, requests.find((r) => r.id === e.target.value) ?? null)}>
      <option value="">{loading ? 'Loading requests…' : 'No request'}</option>
      {value !== '' && !known ? <option value={value}>{value}</option> : null}
      {requests.map((r) => (
        <option key={r.id} value={r.id}>
          {r.reference} · {TYPE_LABELS[r.type]} ({r.regulation})
        </option>
      ))}
    </select>
  );
}
