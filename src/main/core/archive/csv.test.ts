import { describe, expect, it } from 'vitest';
import { csvField, csvRow, neutraliseFormula } from './csv';

describe('CSV', () => {
  it.each(['=1+1', '+1+1', '-1', '@SUM(A1)', '\tx', '\rx'])('neutralises a cell starting with %j', (cell) => {
    expect(neutraliseFormula(cell).startsWith("'")).toBe(true);
  });

  it.each(['+49 30 1234567', '+4915112345678', '+1 555 0100199'])('leaves a phone or number %j unguarded', (cell) => {
    expect(neutraliseFormula(cell)).toBe(cell);
  });

  it.each(['+1+cmd|x', '-2+A1', '+SUM(A1)', '+49-30', '+49 30 123 4567 HYPERLINK', '+'])('still guards %j', (cell) => {
    expect(neutraliseFormula(cell)).toBe(`'${cell}`);
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
