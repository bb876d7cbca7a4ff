/**
 * Response letters from templates with merge fields. Pure: the caller supplies every value. The
 * HTML version escapes everything (template text and merge values), so a requester's name such as
 * `<script>` arrives as text. A value that is missing is shown as a visible "[… not recorded]"
 * marker rather than left blank or guessed.
 */

export type LetterTemplateName = 'acknowledgement' | 'extension' | 'completion' | 'denial';
export type LetterRegulation = 'GDPR' | 'UK_GDPR' | 'CCPA' | 'LGPD';

export interface LetterFields {
  organizationName: string | null;
  requesterName: string | null;
  reference: string;
  requestType: string;
  regulation: LetterRegulation;
  receivedOn: string;
  dueOn: string | null;
  extendedDueOn: string | null;
  extensionReason: string | null;
  denialReason: string | null;
  denialArticle: string | null;
  today: string;
  basis: string | null;
}

const REGULATION_NAMES: Record<LetterRegulation, string> = {
  GDPR: 'the General Data Protection Regulation (EU) 2016/679',
  UK_GDPR: 'the UK General Data Protection Regulation',
  CCPA: 'the California Consumer Privacy Act, as amended by the CPRA',
  LGPD: 'the Lei Geral de Proteção de Dados (Lei 13.709/2018)',
};

const REMEDIES: Record<LetterRegulation, string> = {
  GDPR: 'You have the right to lodge a complaint with a supervisory authority (GDPR Art. 77) and to seek a judicial remedy (GDPR Art. 79).',
  UK_GDPR:
    'You have the right to complain to the Information Commissioner’s Office (UK GDPR Art. 77) and to seek a judicial remedy (UK GDPR Art. 79).',
  CCPA: 'If you disagree, you may contact the California Privacy Protection Agency or the California Attorney General.',
  LGPD: 'You may petition the Autoridade Nacional de Proteção de Dados (ANPD) about this decision (LGPD Art. 18 §1).',
};

const EXTENSION_BASIS: Record<LetterRegulation, string> = {
  GDPR: 'GDPR Art. 12(3)',
  UK_GDPR: 'UK GDPR Art. 12(3)',
  CCPA: 'Cal. Civ. Code §1798.130(a)(2) and 11 CCR §7021(b)',
  LGPD: 'LGPD Art. 19',
};

interface Template {
  subject: string;
  body: string;
}

/** Placeholders are {{name}}; each paragraph is separated by a blank line. */
export const LETTER_TEMPLATES: Record<LetterTemplateName, Template> = {
  acknowledgement: {
    subject: 'We received your {{requestType}} request ({{reference}})',
    body: `Dear {{requesterName}},

We received your {{requestType}} request on {{receivedOn}}. Its reference is {{reference}}; please quote it in any reply.

We will respond by {{dueOn}}, as {{regulationName}} requires ({{basis}}). Before we act we may need to confirm your identity; we will only ask for information we already hold about you, and we will not ask for a copy of an identity document unless it is strictly necessary.

Kind regards,
{{organizationName}}`,
  },
  extension: {
    subject: 'More time needed for your request ({{reference}})',
    body: `Dear {{requesterName}},

We are writing about your {{requestType}} request received on {{receivedOn}} (reference {{reference}}).

We need more time to answer it fully. The reason is: {{extensionReason}}

Under {{extensionBasis}} we are extending the period to respond. You will receive our answer by {{extendedDueOn}}.

{{remedies}}

Kind regards,
{{organizationName}}`,
  },
  completion: {
    subject: 'Your {{requestType}} request is complete ({{reference}})',
    body: `Dear {{requesterName}},

We have completed your {{requestType}} request received on {{receivedOn}} (reference {{reference}}), as {{regulationName}} provides.

If anything in our answer is unclear or you believe it is incomplete, reply to this message quoting the reference.

{{remedies}}

Kind regards,
{{organizationName}}`,
  },
  denial: {
    subject: 'Our decision on your {{requestType}} request ({{reference}})',
    body: `Dear {{requesterName}},

We have considered your {{requestType}} request received on {{receivedOn}} (reference {{reference}}). We are not able to act on it.

The reason is: {{denialReason}}

We rely on {{denialArticle}}.

{{remedies}}

Kind regards,
{{organizationName}}`,
  },
};

const LABELS: Record<string, string> = {
  requesterName: 'requester name',
  organizationName: 'organization name',
  dueOn: 'due date',
  extendedDueOn: 'extended due date',
  extensionReason: 'extension reason',
  denialReason: 'denial reason',
  denialArticle: 'article',
  basis: 'legal basis',
};

export function mergeValues(fields: LetterFields): Record<string, string | null> {
  return {
    organizationName: fields.organizationName,
    requesterName: fields.requesterName,
    reference: fields.reference,
    requestType: fields.requestType,
    receivedOn: fields.receivedOn,
    dueOn: fields.dueOn,
    extendedDueOn: fields.extendedDueOn,
    extensionReason: fields.extensionReason,
    denialReason: fields.denialReason,
    denialArticle: fields.denialArticle,
    today: fields.today,
    basis: fields.basis,
    regulationName: REGULATION_NAMES[fields.regulation],
    remedies: REMEDIES[fields.regulation],
    extensionBasis: EXTENSION_BASIS[fields.regulation],
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function fill(template: string, values: Record<string, string | null>, escape: (s: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of template.matchAll(/\{\{(\w+)\}\}/g)) {
    out += escape(template.slice(last, match.index));
    const name = match[1] ?? '';
    const value = values[name];
    out += escape(value === null || value === undefined || value.trim() === '' ? `[${LABELS[name] ?? name} not recorded]` : value);
    last = (match.index ?? 0) + match[0].length;
  }
  return out + escape(template.slice(last));
}

export interface RenderedLetter {
  subject: string;
  text: string;
  html: string;
}

export function renderLetter(name: LetterTemplateName, fields: LetterFields): RenderedLetter {
  const template = LETTER_TEMPLATES[name];
  const values = mergeValues(fields);
  const subject = fill(template.subject, values, (s) => s);
  const text = `${fill(template.body, values, (s) => s)}\n`;
  const paragraphs = template.body
    .split(/\n{2,}/)
    .map((p) => `<p>${fill(p, values, escapeHtml).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(subject)}</title>
</head>
<body>
<p>${escapeHtml(fields.today)}</p>
${paragraphs}
</body>
</html>
`;
  return { subject, text, html };
}
