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
