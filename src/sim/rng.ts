/**
 * Stateless hashing: every generated value is a pure function of (seed, stream, a, b), so record i of
 * a million-ticket dataset can be derived on demand without generating records 0..i-1 first.
 */

function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of up to four integers. */
export function hash(seed: number, stream: number, a = 0, b = 0): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(stream | 0, 0x85ebca6b));
  h = mix32(h ^ Math.imul(a | 0, 0xc2b2ae35) ^ Math.floor(a / 4294967296));
  h = mix32(h ^ Math.imul(b | 0, 0x27d4eb2f));
  return h;
}

/** Uniform in [0, 1). */
export function unit(seed: number, stream: number, a = 0, b = 0): number {
  return hash(seed, stream, a, b) / 4294967296;
}

/** Uniform integer in [0, n). */
export function pick(seed: number, stream: number, a: number, b: number, n: number): number {
  return Math.floor(unit(seed, stream, a, b) * n);
}

/** A small sequential generator for building one record's many values from one hashed start. */
export class Rng {
  private state: number;
  constructor(seed: number, stream: number, a = 0, b = 0) {
    this.state = hash(seed, stream, a, b) || 1;
  }
  next(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  of<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('Rng.of on an empty list');
    return item;
  }
}
