/**
 * Bad payloads generated from an operation's valid example, so every operation gets the same
 * checks without a hand-written list that could fall behind the contract.
 */
export function oversizedVariants(example: Record<string, unknown>): Array<{ label: string; payload: unknown }> {
  const variants: Array<{ label: string; payload: unknown }> = [];
  const walk = (value: unknown, path: string[], replace: (v: unknown) => unknown): void => {
    if (typeof value === 'string') {
      variants.push({ label: `${path.join('.')} as a 1 MB string`, payload: replace('x'.repeat(1_000_000)) });
    } else if (typeof value === 'number') {
      variants.push({ label: `${path.join('.')} as 1e308`, payload: replace(1e308) });
    } else if (Array.isArray(value)) {
      variants.push({ label: `${path.join('.')} with 100,001 items`, payload: replace(new Array(100_001).fill(value[0] ?? 'x')) });
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        walk(inner, [...path, key], (v) => replace({ ...(value as Record<string, unknown>), [key]: v }));
      }
    }
  };
  walk(example, [], (v) => v);
  return variants;
}

export function wrongTypeVariants(example: Record<string, unknown>): Array<{ label: string; payload: unknown }> {
  const variants: Array<{ label: string; payload: unknown }> = [
    { label: 'a number instead of an object', payload: 42 },
    { label: 'an array instead of an object', payload: [example] },
    { label: 'a string instead of an object', payload: 'app' },
    { label: 'null', payload: null },
  ];
  for (const [key, value] of Object.entries(example)) {
    const wrong = typeof value === 'number' ? 'not a number' : typeof value === 'boolean' ? 'yes' : 12345;
    variants.push({ label: `${key} with the wrong type`, payload: { ...example, [key]: wrong } });
  }
  return variants;
}

interface ZodDefLike {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  options?: unknown[];
  in?: unknown;
  element?: unknown;
  left?: unknown;
  right?: unknown;
}

/**
 * Every key path an input schema accepts (through optionals, defaults, unions, pipes, arrays), read
 * from the schema itself: an operation's example need not show a key for it to be probed.
 */
export function inputKeyPaths(schema: unknown, prefix: string[] = [], depth = 0): string[][] {
  const def = (schema as { _zod?: { def?: ZodDefLike } } | null)?._zod?.def;
  if (!def || depth > 12) return [];
  const inner = (s: unknown) => inputKeyPaths(s, prefix, depth + 1);
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, value]) => [
        [...prefix, key],
        ...inputKeyPaths(value, [...prefix, key], depth + 1),
      ]);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return inner(def.innerType);
    case 'union':
      return (def.options ?? []).flatMap(inner);
    case 'pipe':
      return inner(def.in);
    case 'array':
      return inner(def.element);
    case 'intersection':
      return [...inner(def.left), ...inner(def.right)];
    default:
      return [];
  }
}

/** `value` at `path` in a copy of `base`, creating the objects on the way. */
export function withValueAt(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return base;
  const current = base[head];
  const next =
    rest.length === 0 ? value : withValueAt(current && typeof current === 'object' ? { ...(current as object) } : {}, rest, value);
  return { ...base, [head]: next };
}
