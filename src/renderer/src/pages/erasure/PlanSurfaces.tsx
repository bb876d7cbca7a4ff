import type { ErasurePlan } from '../../../../shared/contract/groups/erasure';
import type { PlanSurfaceItem, SurfaceCoverage, SurfaceDecision } from '../../../../shared/schemas/surfaces';
import { ColumnHeads } from '../../components/ColumnHeads';
import { NOT_SEARCHED } from '../subjects/CoverageTable';
import { formatInstant } from './labels';

const SURFACE_DECISION_ORDER: readonly SurfaceDecision[] = ['delete', 'redact', 'keep', 'blocked'];
const SURFACE_DECISION_LABELS: Record<SurfaceDecision, string> = {
  delete: 'Delete',
  redact: 'Redact',
  keep: 'Keep',
  blocked: 'Blocked',
};

/** The surfaces the ticket and account tables above already show, item by item. */
const SHOWN_ABOVE = new Set<SurfaceCoverage['surface']>(['users', 'tickets', 'comments', 'attachments']);

/**
 * What the erasure touches beyond tickets and accounts (#12): every place the helpdesk keeps the
 * person, searched or why not as of the plan's last look, and a decision with its reason for each
 * item found there. A place nobody could search is said to be unsearched, never shown as empty: the
 * officer must know the erasure cannot reach it.
 */
export function PlanSurfaces({ plan }: { plan: ErasurePlan }): React.JSX.Element | null {
  if (plan.coverage.length === 0) return null;
  const itemsBy = new Map<string, PlanSurfaceItem[]>();
  for (const item of plan.surfaceItems) {
    const list = itemsBy.get(item.surface);
    if (list) list.push(item);
    else itemsBy.set(item.surface, [item]);
  }
  // Zendesk's deletion status holds nothing to erase: it is read after the run, for the receipt.
  const unsearched = plan.coverage.filter((c) => !c.searched && c.surface !== 'compliance_deletion');
  return (
    <section className="erasure-surfaces" aria-labelledby="erasure-surfaces-title">
      <h3 id="erasure-surfaces-title">Every place the helpdesk keeps the person</h3>
      <p className="hint">
        As of the plan&apos;s last look; the live check reads them again.
        {unsearched.length > 0
          ? ` ${unsearched.length} place(s) were not searched: this erasure cannot reach what they hold.`
          : ' Every place was searched.'}
        {plan.coverage.some((c) => c.surface === 'compliance_deletion') &&
          ' Zendesk’s own deletion status per product is read after the run, into the receipt.'}
      </p>
      <table className="table erasure-coverage">
        <ColumnHeads columns={['Place', 'Searched', 'Found', ...SURFACE_DECISION_ORDER.map((d) => SURFACE_DECISION_LABELS[d])]} />
        <tbody>
          {plan.coverage.map((c) => (
            <CoverageRow key={c.surface} c={c} items={itemsBy.get(c.surface) ?? []} />
          ))}
        </tbody>
      </table>
      {[...itemsBy.entries()].map(([surface, items]) => (
        <SurfaceDecisions key={surface} label={plan.coverage.find((c) => c.surface === surface)?.label ?? surface} items={items} />
      ))}
    </section>
  );
}

const countByDecision = (items: readonly PlanSurfaceItem[]): Record<SurfaceDecision, number> => {
  const counts: Record<SurfaceDecision, number> = { delete: 0, redact: 0, keep: 0, blocked: 0 };
  for (const i of items) counts[i.decision]++;
  return counts;
};

function CoverageRow({ c, items }: { c: SurfaceCoverage; items: PlanSurfaceItem[] }): React.JSX.Element {
  const counts = countByDecision(items);
  const count = (d: SurfaceDecision) => counts[d];
  const decided = !SHOWN_ABOVE.has(c.surface) && c.searched;
  // The person's own user fields are part of their profile: they follow the account's decision and
  // have no item of their own; only organization fields holding them are decided here.
  const withAccount = c.surface === 'custom_fields' && c.items !== null ? Math.max(0, c.items - items.length) : 0;
  return (
    <tr data-surface={c.surface} data-searched={c.searched}>
      <th scope="row">{c.label}</th>
      <td>
        {c.searched ? (
          `Yes, ${formatInstant(c.asOf)}`
        ) : (
          <span
            className={c.reason === 'not_supported' || c.reason === 'not_looked' ? 'muted' : 'erasure-fix'}
            title={c.detail ?? undefined}
          >
            {NOT_SEARCHED[c.reason ?? 'error']}
          </span>
        )}
      </td>
      <td>
        {c.items ?? '—'}
        {withAccount > 0 && <span className="muted"> ({withAccount} user field(s): with the account, above)</span>}
      </td>
      {SURFACE_DECISION_ORDER.map((d) => (
        <td key={d} className={decided && count(d) > 0 ? `erasure-pill-${d}` : undefined}>
          {SHOWN_ABOVE.has(c.surface) ? d === 'delete' ? <span className="muted">in the tables above</span> : '' : decided ? count(d) : '—'}
        </td>
      ))}
    </tr>
  );
}

function SurfaceDecisions({ label, items }: { label: string; items: PlanSurfaceItem[] }): React.JSX.Element {
  const counts = countByDecision(items);
  return (
    <details className="erasure-surface-items" open={counts.blocked > 0}>
      <summary>
        {label}: {items.length} item(s) ·{' '}
        {SURFACE_DECISION_ORDER.map((d) => [d, counts[d]] as const)
          .filter(([, n]) => n > 0)
          .map(([d, n]) => `${n} ${SURFACE_DECISION_LABELS[d].toLowerCase()}`)
          .join(', ')}
      </summary>
      <table className="table erasure-table">
        <ColumnHeads columns={['Item', 'Ticket', 'Role', 'Decision', 'Reason']} />
        <tbody>
          {items.map((i) => (
            <tr key={`${i.surface}-${i.id}`} data-decision={i.decision}>
              <td className="excerpt">{i.label ?? <code>{i.id}</code>}</td>
              <td>{i.ticketId ?? ''}</td>
              <td>{i.roles.join(', ')}</td>
              <td>
                <span className={`pill erasure-pill-${i.decision}`}>{SURFACE_DECISION_LABELS[i.decision]}</span>
              </td>
              <td className="erasure-reason">
                <span>{i.reason}</span>
                {i.legalBasis ? <span className="muted">Legal basis: {i.legalBasis}</span> : null}
                {i.fix ? <span className="erasure-fix">Fix: {i.fix}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
