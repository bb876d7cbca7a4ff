import type { SurfaceCoverage } from '../shared/schemas/surfaces';
import { formatTable } from './output';

/** The coverage table as the terminal shows it: every surface, searched or why not, as of, found. */
export function describeCoverage(coverage: readonly SurfaceCoverage[]): string {
  return formatTable(
    ['SURFACE', 'SEARCHED', 'AS OF', 'FOUND', 'READ'],
    coverage.map((c) => [
      c.label,
      c.searched ? 'yes' : `no: ${c.reason ?? 'unknown'}`,
      c.asOf ?? '—',
      c.items === null ? '—' : String(c.items),
      c.read === 'synced' ? 'synced' : 'on demand',
    ]),
  );
}
