/**
 * Hash streams of the surfaces generated beside the core dataset (whose own streams, 1-14, are in
 * dataset.ts; serialize.ts uses 77). Each surface draws from its own stream so that adding one never
 * shifts another's data, and two surfaces sharing a stream would correlate (the same people would
 * post, phone and own records). One table, so a new surface picks a free number here.
 */
export const SIM_STREAM = {
  suspended: 40,
  audits: 41,
  sideConversations: 42,
  helpCenter: 47,
  talk: 48,
  auditRecipients: 49,
  customObjects: 51,
} as const;
