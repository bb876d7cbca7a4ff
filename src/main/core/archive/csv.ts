/** Excel reads a UTF-8 CSV as the local code page unless it starts with a byte order mark. */
export const UTF8_BOM = '\uFEFF';

/**
 * Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection"); a
 * subject's own text can be hostile, and so can whatever it was pasted from. A leading apostrophe
 * makes the cell plain text in Excel, LibreOffice and Google Sheets.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | null;

/**
 * A leading '+' followed only by digits and spaces ("+49 30 1234567") is a phone number, not a
 * formula: with nothing but digits and spaces there is no operator, function, reference or
 * string for a spreadsheet to run, so the worst it can do is show the number as a number.
 * Guarding it would hand the subject "'+49…", which reads as a corrupted number. Anything else
 * after the sign (another operator, a letter, '(', '|', '!') is guarded, and so is a leading '-'.
 */
const PHONE_LIKE = /^\+[\d ]*\d[\d ]*$/;

export function neutraliseFormula(cell: string): string {
  if (!FORMULA_START.test(cell) || PHONE_LIKE.test(cell)) return cell;
  return `'${cell}`;
}

/** One RFC 4180 field: quoted when it holds a quote, comma or line break, quotes doubled. */
export function csvField(value: CsvValue): string {
  // NUL ends a cell early in some spreadsheet importers; it is never meaningful text.
  const text = neutraliseFormula(value === null ? '' : String(value).replaceAll('\u0000', '\uFFFD'));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 asks. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
