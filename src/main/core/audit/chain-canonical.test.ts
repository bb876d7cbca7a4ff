import { describe, expect, it } from 'vitest';
import { canonicalJson } from './chain-canonical';

describe('canonicalJson', () => {
  it('matches the RFC 8785 sample (numbers, escaping, literals)', () => {
    const input = {
      numbers: [1e30, 4.5, 6, 2e-3, 1e-27],
      escaping: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      other: [null, true, false],
    };
    expect(canonicalJson(input)).toBe(
      String.raw`{"escaping":"€$\u000f\nA'B\"\\\\\"/","numbers":[1e+30,4.5,6,0.002,1e-27],"other":[null,true,false]}`,
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // The emoji (U+1F600, surrogates D83D DE00) sorts before U+FB33 by code units, after it by code points.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('is independent of key order, recursively, and has no whitespace', () => {
    const a = canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } });
    const b = canonicalJson({ a: { c: 'x', d: [3, { y: 2, z: 1 }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('keeps array order and writes -0 as 0, as JSON.stringify does', () => {
    expect(canonicalJson([3, 1, 2, -0])).toBe('[3,1,2,0]');
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  it.each([
    ['NaN', { n: NaN }],
    ['Infinity', [Infinity]],
    ['undefined member', { u: undefined }],
    ['undefined at top', undefined],
    ['function', { f: () => 1 }],
    ['bigint', { b: 1n }],
    ['symbol', { s: Symbol('x') }],
    ['symbol key', { [Symbol('k')]: 1 }],
    ['Date', { d: new Date(0) }],
    ['Map', { m: new Map() }],
    ['class instance', { c: new (class Thing {})() }],
    // eslint-disable-next-line no-sparse-arrays
    ['array hole', [1, , 3]],
    ['cycle', cyclic],
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('accepts objects without a prototype', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.b = 2;
    o.a = 1;
    expect(canonicalJson(o)).toBe('{"a":1,"b":2}');
  });
});
