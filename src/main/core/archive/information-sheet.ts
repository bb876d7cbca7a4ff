import { othersProtection, requestBasis } from './citations';
import { HTML_END, escapeHtml, htmlHead } from './html';
import { LetheError } from '../../../shared/errors';
import { DEMO_SHEET, SHEET_SECTIONS, missingSheetSections, type SheetTexts } from '../../../shared/information-sheet';
import { holderName, informationSheetSchema, type ArchiveInput, type InformationSheet } from './input';

export { SHEET_SECTIONS };

/**
 * The sheet an access archive carries, or a `conflict` naming every empty section (the CLI prints
 * it as is; the UI links `details.missing` to the fields). The demo workspace fills its empty
 * sections with the demo organisation's texts, so its first export works; never a real workspace.
 */
export function requireCompleteSheet(sheet: Record<keyof InformationSheet, string>, options: { demo: boolean }): InformationSheet {
  const filled = options.demo
    ? (Object.fromEntries(SHEET_SECTIONS.map(({ key }) => [key, sheet[key].trim() === '' ? DEMO_SHEET[key] : sheet[key]])) as SheetTexts)
    : sheet;
  const missing = missingSheetSections(filled);
  if (missing.length > 0) {
    const names = SHEET_SECTIONS.filter((s) => missing.includes(s.key)).map((s) => `${s.article} (${s.title.toLowerCase()})`);
    throw new LetheError(
      'conflict',
      `An access archive must carry the Art. 15(1)(a)-(h) information sheet, and ${missing.length === 1 ? 'this section is' : 'these sections are'} empty: ` +
        `${names.join('; ')}. Fill ${missing.length === 1 ? 'it' : 'them'} in under Settings → Organisation (templates are offered for the statutory ` +
        'sections), or with `lethe settings set --information-sheet sheet.json`.',
      { reason: 'information_sheet_incomplete', missing: missing.join(',') },
    );
  }
  const parsed = informationSheetSchema.safeParse(filled);
  if (!parsed.success)
    throw new LetheError('conflict', 'The information sheet in Settings is not valid', { reason: 'information_sheet_invalid' });
  return parsed.data;
}

type SheetInput = Pick<ArchiveInput, 'regulation' | 'kind' | 'generatedAt' | 'dataAsOf' | 'workspace' | 'controllerName' | 'requestId'> & {
  informationSheet: InformationSheet;
};

function preamble(input: SheetInput): string[] {
  const lines = [
    `This information accompanies the copy of your personal data held by ${holderName(input)}.`,
    `Legal basis of this response: ${requestBasis(input.regulation, 'access')}.`,
  ];
  if (input.regulation !== 'GDPR' && input.regulation !== 'UK_GDPR') {
    lines.push('The sections follow the headings of GDPR Art. 15(1)(a)-(h), which cover the information your law requires.');
  }
  lines.push(`Generated ${input.generatedAt}; the data is as of ${input.dataAsOf}.`);
  if (input.requestId !== null) lines.push(`Request reference: ${input.requestId}.`);
  return lines;
}

export function* informationSheetText(input: SheetInput): Generator<string> {
  yield 'INFORMATION ABOUT THE PROCESSING OF YOUR PERSONAL DATA\r\n\r\n';
  for (const line of preamble(input)) yield `${line}\r\n`;
  for (const section of SHEET_SECTIONS) {
    yield `\r\n${section.article} ${section.title}\r\n${'-'.repeat(section.article.length + section.title.length + 1)}\r\n`;
    yield `${input.informationSheet[section.key].replace(/\r?\n/g, '\r\n')}\r\n`;
  }
  yield `\r\nOther people's personal data is left out or masked in this copy (${othersProtection(input.regulation, 'access')}).\r\n`;
}

export function* informationSheetHtml(input: SheetInput): Generator<string> {
  yield htmlHead('Information about the processing of your personal data');
  yield '<h1>Information about the processing of your personal data</h1>\n';
  for (const line of preamble(input)) yield `<p>${escapeHtml(line)}</p>\n`;
  for (const section of SHEET_SECTIONS) {
    yield `<h2>${escapeHtml(section.article)} ${escapeHtml(section.title)}</h2>\n`;
    yield `<p class="text">${escapeHtml(input.informationSheet[section.key])}</p>\n`;
  }
  yield `<p class="muted">Other people's personal data is left out or masked in this copy (${escapeHtml(othersProtection(input.regulation, 'access'))}).</p>\n`;
  yield '<p><a href="index.html">Back to the overview</a></p>\n';
  yield HTML_END;
}

/** Portability archives carry no information sheet; this says what the archive is for instead. */
export function* portabilityReadme(
  input: Pick<ArchiveInput, 'regulation' | 'workspace' | 'controllerName' | 'generatedAt' | 'dataAsOf' | 'requestId'>,
): Generator<string> {
  const gdpr = input.regulation === 'GDPR' || input.regulation === 'UK_GDPR';
  const lines = [
    'YOUR DATA, READY TO TAKE ELSEWHERE',
    '',
    `This archive answers your data portability request under ${requestBasis(input.regulation, 'portability')}.`,
    `It holds the personal data you provided to ${holderName(input)}: your profile and identities,`,
    'the tickets you opened, the comments you wrote and the files you uploaded.',
    '',
    'Format: a structured, commonly used and machine-readable format' + (gdpr ? ' (Art. 20(1)).' : '.'),
    '  data/*.json   UTF-8 JSON, one array of records per file',
    '  data/*.csv    the same records as RFC 4180 CSV (UTF-8 with byte order mark, opens in spreadsheets)',
    '  attachments/  the files you uploaded, unchanged',
    '  index.html    an overview you can open in any browser, offline',
    '  manifest.json the size and SHA-256 checksum of every file, to check nothing was altered',
    '',
    'What is not included, and why:',
    '- data we created or derived ourselves (ticket status, tags, internal notes, organization records),',
    '  because portability covers the data you provided;',
    `- other people's comments, files and contact details, to protect their rights (${othersProtection(input.regulation, 'portability')}).`,
    "  Other people's email addresses and phone numbers inside your own text appear as [redacted email] and [redacted phone].",
    '',
    gdpr
      ? 'You may reuse this data with another service. Where technically feasible you can ask us to send it directly to another controller (Art. 20(2)). This export does not affect your right to erasure (Art. 20(3)).'
      : 'You may reuse this data with another service.',
    '',
    `Generated ${input.generatedAt}; the data is as of ${input.dataAsOf}.` +
      (input.requestId !== null ? ` Request reference: ${input.requestId}.` : ''),
  ];
  for (const line of lines) yield `${line}\r\n`;
}
