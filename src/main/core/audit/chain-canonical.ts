import { LetheError } from '../../../shared/errors';

/**
 * Canonical JSON for hashing, compatible with RFC 8785 (JCS) for the values it accepts: object keys
 * sorted by UTF-16 code units (JavaScript's default sort), no whitespace, numbers and strings as
 * `JSON.stringify` writes them (ECMAScript number serialisation, which JCS adopts).
 *
 * Hand-written rather than the `canonicalize` package: that package follows `JSON.stringify` and
 * silently turns NaN into null and drops undefined members, so two different inputs could hash
 * the same. Here anything that is not plain JSON is refused, which a hash chain needs.
 */
const MAX_DEPTH = 64;

function fail(path: string, what: string): never {
  throw new LetheError('invalid_input', `Not canonical JSON at ${path}: ${what}`);
}

function write(value: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) fail(path, `nested deeper than ${MAX_DEPTH} levels (or cyclic)`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) fail(path, `non-finite number ${String(value)}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      fail(path, `${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) fail(`${path}[${i}]`, 'array hole');
      parts.push(write(value[i], `${path}[${i}]`, depth + 1));
    }
    return `[${parts.join(',')}]`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    fail(path, `${(value as object).constructor?.name ?? 'exotic'} object is not plain JSON`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) fail(path, 'symbol keys');
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) fail(`${path}.${key}`, 'undefined');
    parts.push(`${JSON.stringify(key)}:${write(member, `${path}.${key}`, depth + 1)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The canonical text of a JSON value; throws LetheError('invalid_input') for anything else. */
export function canonicalJson(value: unknown): string {
  return write(value, '$', 0);
}
