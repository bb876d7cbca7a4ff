import type { SyncProgress } from '../../../shared/contract/groups/sync';

/**
 * Items, rate and ETA of one stream. Exports give no totals, but every page says how far in time
 * it has reached (the records' update times, or the export's end_time), and a stream is complete
 * when it reaches "now": the share of time covered estimates the share of items done.
 */
export class ProgressMeter {
  #done = 0;
  #firstPosition: number | null = null;
  #position: number | null = null;
  readonly #startedMs: number;

  constructor(
    private readonly nowMs: () => number = Date.now,
    startedMs?: number,
  ) {
    this.#startedMs = startedMs ?? nowMs();
  }

  /** `position`: epoch seconds the stream has reached with this page (null when unknown). */
  page(items: number, position: number | null): void {
    this.#done += items;
    if (position !== null && Number.isFinite(position)) {
      if (this.#firstPosition === null) this.#firstPosition = position;
      this.#position = position;
    }
  }

  get done(): number {
    return this.#done;
  }

  snapshot(finished = false): SyncProgress {
    const elapsed = Math.max(0.001, (this.nowMs() - this.#startedMs) / 1000);
    const ratePerSecond = round(this.#done / elapsed);
    if (finished) return { done: this.#done, total: this.#done, ratePerSecond, etaSeconds: 0 };
    const fraction = this.#fraction();
    if (fraction === null || fraction <= 0) return { done: this.#done, total: null, ratePerSecond, etaSeconds: null };
    const total = Math.max(this.#done, Math.round(this.#done / fraction));
    const etaSeconds = ratePerSecond > 0 ? round((total - this.#done) / ratePerSecond) : null;
    return { done: this.#done, total, ratePerSecond, etaSeconds };
  }

  #fraction(): number | null {
    if (this.#firstPosition === null || this.#position === null) return null;
    const now = this.nowMs() / 1000;
    // The first page's own position is where this run started in time.
    const span = now - this.#firstPosition;
    if (span <= 0) return null;
    return Math.min(1, Math.max(0, (this.#position - this.#firstPosition) / span));
  }
}

const round = (n: number): number => Math.round(n * 10) / 10;
