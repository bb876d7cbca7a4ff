import { describe, expect, it } from 'vitest';
import { excerptAround, NAME_BESIDE_CHARS, namesBeside } from './mentions';

/** The name beside a quoted address (#19 item 6): what is offered for redaction with it, and what is not. */

const span = (body: string, needle: string): { start: number; end: number } => {
  const start = body.indexOf(needle);
  return { start, end: start + needle.length };
};

describe('namesBeside', () => {
  it('finds the name before an address, as written, in any case and spacing', () => {
    const body = 'Hi, you can reach ANNA  becker at Anna.becker182@example.com tomorrow.';
    expect(namesBeside(body, [span(body, 'Anna.becker182@example.com')], ['Anna Becker'])).toEqual(['ANNA  becker']);
    const angle = 'Please copy Anna Becker <Anna.becker182@example.com> on this.';
    expect(namesBeside(angle, [span(angle, 'Anna.becker182@example.com')], ['Anna Becker'])).toEqual(['Anna Becker']);
  });

  it('finds it after an address too, and in scripts without case', () => {
    const body = 'omar.alhassan9@example.com (عمر الحسن) asked for a refund';
    expect(namesBeside(body, [span(body, 'omar.alhassan9@example.com')], ['عمر الحسن'])).toEqual(['عمر الحسن']);
  });

  it('leaves the same name far from the address, inside a longer word, or a one-letter name', () => {
    const far = `Anna Becker called.${' '.repeat(NAME_BESIDE_CHARS + 1)}Write to anna.becker182@example.com`;
    expect(namesBeside(far, [span(far, 'anna.becker182@example.com')], ['Anna Becker'])).toEqual([]);
    const longer = 'Ask Joanna Beckers at anna.becker182@example.com';
    expect(namesBeside(longer, [span(longer, 'anna.becker182@example.com')], ['Anna Becker'])).toEqual([]);
    const initial = 'A at anna.becker182@example.com';
    expect(namesBeside(initial, [span(initial, 'anna.becker182@example.com')], ['A'])).toEqual([]);
  });
});

describe('excerptAround', () => {
  it('cuts at word boundaries with an ellipsis and keeps the mention whole', () => {
    const body = `${'word '.repeat(40)}reach Anna Becker at anna.becker182@example.com if I am away.\n\n${'tail '.repeat(40)}`;
    const excerpt = excerptAround(body, span(body, 'anna.becker182@example.com'));
    expect(excerpt.startsWith('…')).toBe(true);
    expect(excerpt.endsWith('…')).toBe(true);
    expect(excerpt).toContain('reach Anna Becker at anna.becker182@example.com if I am away. tail');
    expect(excerpt).not.toMatch(/\s{2}|\n/);
    // Whole words only: every word of the excerpt is a word of the comment.
    const words = new Set(body.split(/\s+/));
    expect(
      excerpt
        .replace(/…/g, '')
        .split(' ')
        .filter((w) => !words.has(w)),
    ).toEqual([]);
  });

  it('adds no ellipsis to a short comment', () => {
    const body = 'Contact anna.becker182@example.com';
    expect(excerptAround(body, span(body, 'anna.becker182@example.com'))).toBe(body);
  });
});
