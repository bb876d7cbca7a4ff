import { Router, idList, idParam, notFound, paginate, type Ctx } from './http';
import type { Job } from './state';

/** A non-200 reply (201, 204) from a handler; plain objects mean 200. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** Failure injection for bulk jobs: listed ids always fail, others fail at the configured rate. */
export function injector(ctx: Ctx): (id: number) => boolean {
  const env = ctx.env;
  return (id) => env.jobFailIds.has(id) || (env.jobFailureRate > 0 && Math.random() < env.jobFailureRate);
}

export function jobJson(job: Job, base: string): Record<string, unknown> {
  return {
    id: job.id,
    url: `${base}/api/v2/job_statuses/${job.id}.json`,
    job_type: job.job_type,
    status: job.status,
    total: job.total,
    progress: job.progress,
    message: job.message,
    results: job.results,
  };
}

/**
 * Jobs run their effects only when they complete: after jobDelayMs, or earlier on the third poll,
 * so a client sees queued → working → completed whether it polls fast or slowly.
 */
export function scheduleJob(ctx: Ctx, job: Job): void {
  const env = ctx.env;
  const timer = setTimeout(() => {
    env.timers.delete(timer);
    ctx.state.finishJob(job);
  }, env.jobDelayMs);
  timer.unref();
  env.timers.add(timer);
}

function observe(ctx: Ctx, job: Job): void {
  if (job.status === 'completed' || job.status === 'failed') return;
  job.polls += 1;
  if (job.polls >= 3 || Date.now() - job.createdMs >= ctx.env.jobDelayMs) ctx.state.finishJob(job);
  else {
    job.status = 'working';
    job.progress = Math.floor(job.total / 2);
  }
}

export function registerJobRoutes(r: Router): void {
  r.add('GET', '/api/v2/job_statuses/show_many', (ctx) => {
    const ids = (ctx.query.get('ids') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const jobs = ids.map((id) => ctx.state.jobs.get(id)).filter((j): j is Job => !!j);
    for (const j of jobs) observe(ctx, j);
    return { job_statuses: jobs.map((j) => jobJson(j, ctx.base)) };
  });
  r.add('GET', '/api/v2/job_statuses', (ctx) =>
    paginate(
      ctx,
      [...ctx.state.jobs.values()].map((j) => jobJson(j, ctx.base)),
      'job_statuses',
    ),
  );
  r.add('GET', '/api/v2/job_statuses/:id', (ctx) => {
    const job = ctx.state.jobs.get(ctx.params.id ?? '');
    if (!job) throw notFound();
    observe(ctx, job);
    return { job_status: jobJson(job, ctx.base) };
  });
}

export { idList, idParam };
