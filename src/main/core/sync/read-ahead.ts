/**
 * Keeps up to `depth` results of `source` fetched ahead of the consumer. Export pages are chained
 * (page N+1 is addressed by N's cursor), so the source itself can only fetch one page at a time;
 * what this adds is that the next request goes out as soon as a page arrives, even while the
 * consumer is still writing an earlier one, instead of when the consumer asks. Results and the
 * first failure come out in the source's order; nothing is fetched past a failure or the end.
 * return() stops fetching ahead and finishes the source.
 */
export function readAhead<T>(source: AsyncGenerator<T>, depth: number): AsyncGenerator<T> {
  const ready: Array<IteratorResult<T> | { error: unknown }> = [];
  let inFlight: Promise<void> | null = null;
  let finished = false;
  let wake: (() => void) | null = null;

  const pump = (): void => {
    if (inFlight || finished || ready.length >= depth) return;
    inFlight = source.next().then(
      (result) => {
        ready.push(result);
        if (result.done) finished = true;
      },
      (error: unknown) => {
        ready.push({ error });
        finished = true;
      },
    );
    void inFlight.then(() => {
      inFlight = null;
      wake?.();
      pump();
    });
  };

  async function* ahead(): AsyncGenerator<T> {
    try {
      for (;;) {
        pump();
        while (ready.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        const item = ready.shift()!;
        pump();
        if ('error' in item) throw item.error;
        if (item.done) return;
        yield item.value;
      }
    } finally {
      finished = true;
      await inFlight;
      await source.return(undefined);
    }
  }
  return ahead();
}
