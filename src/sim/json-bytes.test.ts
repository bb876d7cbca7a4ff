import { describe, expect, it } from 'vitest';
import { jsonBytes } from './json-bytes';

describe('jsonBytes', () => {
  const same = (body: unknown) => expect(jsonBytes(body).toString('utf8')).toBe(JSON.stringify(body) ?? '');

  it('writes what JSON.stringify writes, for pages, scalars and the edge cases it leaves out or nulls', () => {
    same({
      ticket_events: [
        { id: 1, body: 'Zoë — naïve “quotes” \u2028 and \\ backslash' },
        { id: 2, child_events: [] },
      ],
      count: 2,
      end_of_stream: false,
      next_page: null,
    });
    same({});
    same([]);
    same([1, undefined, () => 1, Symbol('s'), null, 'x']);
    same({ a: undefined, b: () => 1, c: Symbol('s'), d: 1 });
    same({ a: undefined });
    same({ when: new Date(0), nested: { toJSON: () => 'custom' }, list: [new Date(1)] });
    same(new Date(2));
    same('text');
    same(42);
    same(null);
    same(undefined);
    same({ 'key "quoted"': [{ ü: 'ß' }] });
  });

  it('keeps an array with its own toJSON as JSON.stringify does', () => {
    const list = Object.assign([1, 2], { toJSON: () => 'replaced' });
    same({ list });
    same(list);
  });
});
