import { isClosedStatus, REQUEST_STATUSES, type DashboardView, type Request } from '../../../shared/contract/groups/requests';
import { addDays, localDateOf, REGULATIONS, REQUEST_TYPES, toDayNumber, type IsoDate } from '../../../shared/deadlines';

/**
 * What the dashboard needs of one request: its dates already in its own zone, so that the figures
 * can be summed over 10,000 requests without presenting each one (see dashboard-items.ts).
 */
export interface DashboardItem {
  id: string;
  reference: string;
  type: Request['type'];
  regulation: Request['regulation'];
  status: Request['status'];
  unverified: boolean;
  timeZone: string;
  /** Local dates, in the request's own zone, of its receipt and close. */
  receivedOn: IsoDate;
  closedOn: IsoDate | null;
  /** The deadline (extended, if it was extended); null when the rules give none. */
  due: IsoDate | null;
  /**
   * The same three dates as day numbers: the figures compare each request's dates with twelve
   * weeks' ends, and comparing numbers instead of parsing dates is most of the time saved at
   * 10,000 requests. Derived from the dates above, never stored apart from them.
   */
  receivedDay: number;
  closedDay: number | null;
  dueDay: number | null;
}

/** An item's dates, as dates and as day numbers. */
export function datesOf(receivedOn: IsoDate, closedOn: IsoDate | null, due: IsoDate | null) {
  return {
    receivedOn,
    closedOn,
    due,
    receivedDay: toDayNumber(receivedOn),
    closedDay: closedOn === null ? null : toDayNumber(closedOn),
    dueDay: due === null ? null : toDayNumber(due),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

/** A presented request as the dashboard sees it (the team register presents its requests itself). */
export function dashboardItemOf(r: Request): DashboardItem {
  return {
    id: r.id,
    reference: r.reference,
    type: r.type,
    regulation: r.regulation,
    status: r.status,
    unverified: r.verification === null,
    timeZone: r.timeZone,
    ...datesOf(
      localDateOf(r.receivedAt, r.timeZone),
      r.closedAt === null ? null : localDateOf(r.closedAt, r.timeZone),
      r.deadlines === null ? null : r.deadlines.due,
    ),
  };
}

/**
 * Figures for the register's dashboard. The overdue trend replays history from the stored
 * receipt and close dates against today's deadline rules: a request counts as overdue on a week's
 * last day when it was open then and its deadline (extended, if it was extended) had passed.
 */
export function computeDashboard(requests: readonly Request[], asOf: string, timeZone: string, weeks = 12): DashboardView {
  return summariseDashboard(requests.map(dashboardItemOf), asOf, timeZone, weeks);
}

/**
 * The same figures from items in the register's order (newest received first): that order breaks
 * ties in "due this week". A request's days remaining count from today in its own zone, as its
 * `dueIn` does, so the dashboard and the list never disagree.
 */
export function summariseDashboard(items: readonly DashboardItem[], asOf: string, timeZone: string, weeks = 12): DashboardView {
  const today = localDateOf(asOf, timeZone);
  const todayDay = toDayNumber(today);
  const todayIn = new Map<string, number>();
  const statusCounts = new Map<string, number>();
  const typeCounts = new Map<string, number>();
  let openCount = 0;
  let unverifiedOpen = 0;
  let overdue = 0;
  const dueThisWeek: DashboardView['dueThisWeek'] = [];
  // Per week, oldest first: requests open at its end, and of those the ones past their deadline.
  const openAt = new Array<number>(weeks).fill(0);
  const overdueAt = new Array<number>(weeks).fill(0);
  const weekEnd = Array.from({ length: weeks }, (_, i) => todayDay - 7 * (weeks - 1 - i));
  const closedDays = new Map<string, number[]>(REGULATIONS.map((regulation) => [regulation, []]));
  for (const x of items) {
    const isOpen = !isClosedStatus(x.status);
    let overdueNow = false;
    if (isOpen) {
      openCount += 1;
      statusCounts.set(x.status, (statusCounts.get(x.status) ?? 0) + 1);
      typeCounts.set(x.type, (typeCounts.get(x.type) ?? 0) + 1);
      if (x.unverified) unverifiedOpen += 1;
      if (x.dueDay !== null && x.due !== null) {
        // Days remaining count from today in the request's own zone, as its `dueIn` does.
        let local = todayIn.get(x.timeZone);
        if (local === undefined) {
          local = toDayNumber(localDateOf(asOf, x.timeZone));
          todayIn.set(x.timeZone, local);
        }
        const days = x.dueDay - local;
        if (days < 0) {
          overdue += 1;
          overdueNow = true;
        } else if (days <= 7) {
          dueThisWeek.push({ id: x.id, reference: x.reference, type: x.type, regulation: x.regulation, due: x.due, daysRemaining: days });
        }
      }
    } else if ((x.status === 'completed' || x.status === 'denied') && x.closedDay !== null) {
      closedDays.get(x.regulation)?.push(x.closedDay - x.receivedDay);
    }
    for (let i = 0; i < weeks; i += 1) {
      const end = weekEnd[i]!;
      if (x.receivedDay > end || (x.closedDay !== null && x.closedDay <= end)) continue;
      openAt[i]! += 1;
      // This week's point is the count the dashboard shows (each request's own zone and end of
      // day), so the chart and the figure beside it can never disagree.
      if (i === weeks - 1 ? overdueNow : x.dueDay !== null && x.dueDay < end) overdueAt[i]! += 1;
    }
  }
  // Stable: equal days keep the register's order.
  dueThisWeek.sort((a, b) => a.daysRemaining - b.daysRemaining);
  const byStatus = REQUEST_STATUSES.filter((s) => !isClosedStatus(s)).map((status) => ({ status, count: statusCounts.get(status) ?? 0 }));
  const byType = REQUEST_TYPES.map((type) => ({ type, count: typeCounts.get(type) ?? 0 })).filter((t) => t.count > 0);
  const overdueTrend: DashboardView['overdueTrend'] = weekEnd.map((_, i) => ({
    weekEnding: addDays(today, -7 * (weeks - 1 - i)),
    open: openAt[i]!,
    overdue: overdueAt[i]!,
  }));
  const medianDaysToClose = REGULATIONS.map((regulation) => {
    const days = closedDays.get(regulation) ?? [];
    return { regulation, closed: days.length, medianDays: median(days) };
  });
  return {
    asOf,
    timeZone,
    open: openCount,
    unverifiedOpen,
    overdue,
    byStatus,
    byType,
    dueThisWeek,
    overdueTrend,
    medianDaysToClose,
  };
}
