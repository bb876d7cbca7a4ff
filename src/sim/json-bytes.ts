/**
 * A response body's JSON as UTF-8 bytes, equal to Buffer.from(JSON.stringify(body)), with the
 * top-level arrays serialised item by item. V8 returns one large JSON.stringify result as a deep
 * rope, and every later pass over it (Content-Length, then the UTF-8 encoding) flattens it first:
 * on the export pages (a thousand events, 1.3 MB each) that was a fifth of the simulator's CPU,
 * which shares the machine with the sync it serves in the benches. Small strings flatten cheaply.
 */
export function jsonBytes(body: unknown): Buffer {
  if (body === null || typeof body !== 'object' || typeof (body as { toJSON?: unknown }).toJSON === 'function') {
    return Buffer.from(JSON.stringify(body) ?? '');
  }
  if (Array.isArray(body)) return arrayBytes(body);
  const parts: Buffer[] = [];
  let separator = '{';
  for (const [key, value] of Object.entries(body)) {
    const bytes = Array.isArray(value) ? arrayBytes(value) : valueBytes(value);
    if (bytes === undefined) continue;
    parts.push(Buffer.from(`${separator}${JSON.stringify(key)}:`), bytes);
    separator = ',';
  }
  parts.push(Buffer.from(separator === '{' ? '{}' : '}'));
  return Buffer.concat(parts);
}

/** JSON.stringify leaves out a property whose value is undefined, a function or a symbol. */
function valueBytes(value: unknown): Buffer | undefined {
  const json = JSON.stringify(value) as string | undefined;
  return json === undefined ? undefined : Buffer.from(json);
}

/** In an array, JSON.stringify writes null for what it would leave out of an object. */
function arrayBytes(items: readonly unknown[]): Buffer {
  if (typeof (items as { toJSON?: unknown }).toJSON === 'function') return Buffer.from(JSON.stringify(items));
  const parts: Buffer[] = [];
  for (let i = 0; i < items.length; i++) parts.push(Buffer.from(`${i === 0 ? '' : ','}${JSON.stringify(items[i]) ?? 'null'}`));
  return Buffer.concat([Buffer.from('['), ...parts, Buffer.from(']')]);
}
