import type { Regulation } from './deadlines/types';

/**
 * The Art. 15(1)(a)-(h) information sheet: its sections, and starting texts for the statutory ones
 * (rights, complaint, automated decisions) that every controller writes much the same way. The
 * templates are drafts: the editor marks them "to review" and the officer adapts them (the
 * supervisory authority's name, whether any automated decisions are actually made).
 */
export type SheetKey = 'purposes' | 'categories' | 'recipients' | 'retention' | 'rights' | 'complaint' | 'source' | 'automatedDecisions';
export type SheetTexts = Record<SheetKey, string>;

export const SHEET_SECTIONS: readonly { key: SheetKey; article: string; title: string }[] = [
  { key: 'purposes', article: 'Art. 15(1)(a)', title: 'Purposes of the processing' },
  { key: 'categories', article: 'Art. 15(1)(b)', title: 'Categories of personal data concerned' },
  { key: 'recipients', article: 'Art. 15(1)(c)', title: 'Recipients or categories of recipients, in particular in third countries' },
  { key: 'retention', article: 'Art. 15(1)(d)', title: 'How long the data will be stored, or the criteria used to decide' },
  { key: 'rights', article: 'Art. 15(1)(e)', title: 'Your rights to rectification, erasure, restriction of processing and to object' },
  { key: 'complaint', article: 'Art. 15(1)(f)', title: 'Your right to lodge a complaint with a supervisory authority' },
  { key: 'source', article: 'Art. 15(1)(g)', title: 'Where the data came from, when not from you' },
  { key: 'automatedDecisions', article: 'Art. 15(1)(h)', title: 'Automated decision-making, including profiling' },
];

/** The sections a template offers text for: the statutory ones, the same for every controller. */
export type TemplateKey = 'rights' | 'complaint' | 'automatedDecisions';
export const TEMPLATE_SECTIONS: readonly TemplateKey[] = ['rights', 'complaint', 'automatedDecisions'];

export const SHEET_TEMPLATES: Record<Regulation, Pick<SheetTexts, TemplateKey>> = {
  GDPR: {
    rights:
      'You have the right to have inaccurate data about you corrected and incomplete data completed (Art. 16), to have your data erased (Art. 17), ' +
      'to have its processing restricted (Art. 18), to receive the data you provided in a machine-readable format (Art. 20) and to object to ' +
      'processing based on our legitimate interests, and at any time to direct marketing (Art. 21). Write to us at the address of this letter; ' +
      'exercising these rights is free of charge.',
    complaint:
      'You have the right to lodge a complaint with a supervisory authority, in particular in the Member State of your habitual residence, ' +
      'place of work or place of the alleged infringement (Art. 77). Our lead supervisory authority is [name and address of the authority].',
    automatedDecisions:
      'We do not make decisions about you based solely on automated processing, including profiling, that produce legal effects concerning you ' +
      'or similarly significantly affect you (Art. 22).',
  },
  UK_GDPR: {
    rights:
      'You have the right to have inaccurate data about you corrected and incomplete data completed (Art. 16 UK GDPR), to have your data erased ' +
      '(Art. 17), to have its processing restricted (Art. 18), to receive the data you provided in a machine-readable format (Art. 20) and to ' +
      'object to processing based on our legitimate interests, and at any time to direct marketing (Art. 21). Exercising these rights is free of charge.',
    complaint:
      "You have the right to complain to the Information Commissioner's Office (ICO), Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF, " +
      'ico.org.uk, telephone 0303 123 1113. We would welcome the chance to deal with your concerns first.',
    automatedDecisions:
      'We do not make decisions about you based solely on automated processing, including profiling, that produce legal or similarly ' +
      'significant effects (Art. 22 UK GDPR).',
  },
  CCPA: {
    rights:
      'You have the right to know what personal information we collect, use and disclose (Cal. Civ. Code §§1798.100, 1798.110, 1798.115), ' +
      'to delete it (§1798.105), to correct inaccurate personal information (§1798.106), to opt out of its sale or sharing (§1798.120) and ' +
      'to limit the use of sensitive personal information (§1798.121). We will not discriminate against you for exercising these rights (§1798.125).',
    complaint:
      'If you believe your privacy rights have been violated you may contact the California Privacy Protection Agency (cppa.ca.gov) or the ' +
      'California Attorney General (oag.ca.gov/privacy).',
    automatedDecisions:
      'We do not use automated decision-making technology to make significant decisions about you, and we do not profile you for such decisions.',
  },
  LGPD: {
    rights:
      'Você tem direito, a qualquer momento e mediante requisição, à confirmação do tratamento, ao acesso aos dados, à correção de dados ' +
      'incompletos, inexatos ou desatualizados, à anonimização, bloqueio ou eliminação de dados desnecessários, excessivos ou tratados em ' +
      'desconformidade, à portabilidade, à eliminação dos dados tratados com consentimento, à informação sobre compartilhamentos e à revogação ' +
      'do consentimento (Lei 13.709/2018, Art. 18). / You may at any time confirm, access, correct, anonymise, block or delete, port your ' +
      'data, learn with whom it was shared and revoke consent (LGPD Art. 18).',
    complaint:
      'Você tem o direito de peticionar em relação aos seus dados contra o controlador perante a Autoridade Nacional de Proteção de Dados ' +
      '(ANPD), gov.br/anpd (Art. 18 §1). / You may petition the national authority (ANPD) about your data.',
    automatedDecisions:
      'Não tomamos decisões baseadas unicamente em tratamento automatizado que afetem os seus interesses; você pode solicitar a revisão de ' +
      'tais decisões (Art. 20). / We make no decisions based solely on automated processing that affect your interests (Art. 20).',
  },
};

/** Sections still empty (blank after trimming), in the order of the Regulation. */
export function missingSheetSections(sheet: Partial<SheetTexts>): SheetKey[] {
  return SHEET_SECTIONS.filter((s) => (sheet[s.key] ?? '').trim() === '').map((s) => s.key);
}

/** The anchor id of a section in Settings, so an error can link to the field to fill in. */
export const sheetFieldAnchor = (key: SheetKey): string => `sheet-${key}`;

/**
 * The demo organisation's sheet: what the demo's archives carry where Settings has no text, so an
 * access archive exports from the demo on the first try. Marked as demo text in every section.
 */
export const DEMO_SHEET: SheetTexts = {
  purposes:
    '[Demo text] We process your data to answer your support requests, to keep a record of them for quality and legal claims, and to improve our service.',
  categories: '[Demo text] Name, e-mail addresses, phone numbers, the tickets and messages you sent us, and files you attached.',
  recipients:
    '[Demo text] Our helpdesk provider (a processor in the EU) and, when you ask for it, our delivery partners. No transfers outside the EEA.',
  retention: '[Demo text] Tickets are kept for three years after they are closed, then deleted.',
  rights: `[Demo text] ${SHEET_TEMPLATES.GDPR.rights}`,
  complaint: `[Demo text] ${SHEET_TEMPLATES.GDPR.complaint.replace('[name and address of the authority]', 'the demo data protection authority')}`,
  source: '[Demo text] From you, and from colleagues of your organisation who copied you into a ticket.',
  automatedDecisions: `[Demo text] ${SHEET_TEMPLATES.GDPR.automatedDecisions}`,
};
