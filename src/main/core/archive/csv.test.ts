import { describe, expect, it } from 'vitest';
import { csvField, csvRow, neutraliseFormula } from './csv';

describe('CSV', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('neutralises a cell starting with %j', (cell) => {
    expect(neutraliseFormula(cell).startsWith("'")).toBe(true);
  });

  it('leaves ordinary text alone', () => {
    expect(neutraliseFormula('a=b')).toBe('a=b');
    expect(csvField(42)).toBe('42');
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
  });

  it('quotes fields with quotes, commas and line breaks, doubling quotes (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });

  it('ends each row with CRLF and replaces NUL', () => {
    expect(csvRow(['a', 'b\u0000c'])).toBe('a,b\uFFFDc\r\n');
  });
});
