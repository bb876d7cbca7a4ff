import { createHash } from 'node:crypto';
import type { ArchiveInputDraft, AttachmentSource } from '../input';

/**
 * A hand-made dossier: one subject (Ada) with two helpdesk accounts, tickets she shares with an
 * agent (Bob), another requester (Carol) and a CC (Dave), their contact details written into Ada's
 * own text in several spellings, hostile strings for HTML and spreadsheets, and attachments with
 * real, deterministic bytes.
 */

export const OTHERS = {
  emails: ['bob@helpdesk.example', 'carol@example.com', 'dave@example.net'],
  phones: ['+44 20 7946 0958', '+1 415 555 0199', '+33 1 23 45 67 89'],
};

export const OWN = {
  emails: ['ada@example.org', 'ada.l@work.example'],
  phone: '+44 20 7946 0001',
};

/** Text that only other people wrote; it must never appear in any archive. */
export const OTHER_NAMES = ['Bob Builder', 'Carol Jones', 'Dave'];

export const OTHERS_SECRETS = ['Dear Ada, Bob here', "Carol's own story", 'Carol wrote this description', 'Agent internal remark'];

export const ATTACHMENT_SIZES: Record<string, number> = {
  a1: 3 * 1024 * 1024 + 123, // photo.png, Ada's
  a2: 2_000, // notes.txt, Ada's
  a3: 100_000, // Carol's, never included
  a4: 1024 * 1024, // hostile file name, Ada's
  a5: 5_000, // Ada's, but not in the cache
};

/** Deterministic bytes: the same id always yields the same content, chunk by chunk. */
export async function* attachmentBytes(id: string, size: number, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  let counter = 0;
  let produced = 0;
  while (produced < size) {
    const length = Math.min(chunkSize, size - produced);
    const chunk = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const block = createHash('sha256').update(`${id}:${counter}`).digest();
      counter += 1;
      const take = Math.min(block.length, length - filled);
      chunk.set(block.subarray(0, take), filled);
      filled += take;
    }
    produced += length;
    yield chunk;
  }
}

export async function sha256Of(id: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of attachmentBytes(id, ATTACHMENT_SIZES[id] ?? 0)) hash.update(chunk);
  return hash.digest('hex');
}

export function fixtureInput(overrides: Partial<ArchiveInputDraft> = {}): ArchiveInputDraft {
  const openAttachment = async (id: string): Promise<AttachmentSource | null> => {
    if (id === 'a5') return null;
    const size = ATTACHMENT_SIZES[id];
    return size === undefined ? null : attachmentBytes(id, size);
  };
  return {
    subject: { ref: 'subj_7f3a9c2e', displayName: 'Ada Lovelace', emails: [OWN.emails[0]!], phones: [] },
    workspace: { id: 'ws_acme12345', name: 'Acme Support', baseUrl: 'https://acme.zendesk.example' },
    kind: 'access',
    regulation: 'GDPR',
    requestId: 'req_0042',
    generatedAt: '2025-03-04T10:00:00.000Z',
    dataAsOf: '2025-03-04T09:30:00.000Z',
    letheVersion: '0.1.0-test',
    profiles: [
      {
        userId: 1001,
        name: 'Ada Lovelace',
        email: OWN.emails[0]!,
        phone: OWN.phone,
        role: 'end-user',
        locale: 'en-GB',
        timeZone: 'Europe/London',
        createdAt: '2020-01-01T00:00:00Z',
        organizationIds: [77],
        tags: ['vip'],
        notes: 'Agent internal remark: prefers calls, colleague carol@example.com handles invoices',
        userFields: { plan: 'gold', account_manager_phone: '+1 (415) 555-0199' },
      },
      { userId: 2002, name: 'A. Lovelace', email: OWN.emails[1]!, phone: null, role: 'end-user', createdAt: '2022-06-01T00:00:00Z' },
    ],
    identities: [
      { id: 11, userId: 1001, type: 'email', value: OWN.emails[0]!, verified: true, primary: true },
      { id: 12, userId: 1001, type: 'phone_number', value: OWN.phone, verified: true, primary: false },
      { id: 21, userId: 2002, type: 'email', value: OWN.emails[1]!, verified: true, primary: true },
      { id: 22, userId: 2002, type: 'twitter', value: 'ada_l', verified: false, primary: false },
    ],
    organizations: [
      { id: 77, name: 'Analytical Engines Ltd', domainNames: ['engines.example'], notes: 'Key account, escalate to dave@example.net' },
    ],
    tickets: [
      {
        id: 501,
        subjectLine: 'Refund for order 12345 <script>alert(1)</script>',
        description: 'My colleague carol@example.com said to call (020) 7946-0958 about it.',
        authoredBySubject: true,
        status: 'open',
        priority: 'high',
        tags: ['refund'],
        createdAt: '2025-01-10T09:00:00Z',
        subjectRoles: ['requester', 'submitter', 'commenter'],
        otherParticipants: ['agent', 'cc'],
        customFields: [{ id: 9001, value: 'Order ref 12345' }],
      },
      {
        id: 502,
        subjectLine: 'Outage report - ring me on +1 415 555 0199',
        description: 'Carol wrote this description',
        authoredBySubject: false,
        status: 'solved',
        createdAt: '2025-02-01T12:00:00Z',
        subjectRoles: ['cc', 'commenter'],
        otherParticipants: ['other requester', 'agent'],
      },
      {
        id: 503,
        subjectLine: '=HYPERLINK("http://evil.example","click")',
        description: "+cmd|' /C calc'!A0",
        authoredBySubject: true,
        status: 'pending',
        createdAt: '2025-02-15T08:00:00Z',
        subjectRoles: ['requester', 'submitter'],
        otherParticipants: ['agent'],
      },
    ],
    comments: [
      {
        id: 'c1',
        ticketId: 501,
        createdAt: '2025-01-10T09:00:00Z',
        public: true,
        authorIsSubject: true,
        authorUserId: 1001,
        body: `Hi, my number is ${OWN.phone} (mine). Bob said ring 02079460958 or email BOB@helpdesk.example.\nDave: 0033 1 23 45 67 89, or +44 (0)20 7946 0958\n2 invoices attached.`,
      },
      {
        id: 'c2',
        ticketId: 501,
        createdAt: '2025-01-11T10:00:00Z',
        public: true,
        authorIsSubject: false,
        authorRole: 'agent',
        body: 'Dear Ada, Bob here, bob@helpdesk.example',
      },
      {
        id: 'c3',
        ticketId: 502,
        createdAt: '2025-02-01T12:00:00Z',
        public: true,
        authorIsSubject: false,
        authorRole: 'other requester',
        body: "Carol's own story, call +1 415 555 0199",
      },
      {
        id: 'c4',
        ticketId: 502,
        createdAt: '2025-02-02T08:00:00Z',
        public: true,
        authorIsSubject: true,
        authorUserId: 1001,
        body: "Same here. Carol's number is 415-555-0199 and Dave is dave@example.net; I'm on ada@example.org.",
      },
      {
        id: 'c5',
        ticketId: 503,
        createdAt: '2025-02-15T08:00:00Z',
        public: true,
        authorIsSubject: true,
        authorUserId: 2002,
        body: '=SUM(A1:A2) and\t@evil -1+1',
      },
      {
        id: 'c6',
        ticketId: 503,
        createdAt: '2025-02-16T08:00:00Z',
        public: false,
        authorIsSubject: false,
        authorRole: 'agent',
        body: 'Agent internal remark about Ada',
      },
    ],
    attachments: [
      {
        id: 'a1',
        ticketId: 501,
        commentId: 'c1',
        fileName: 'photo.png',
        contentType: 'image/png',
        size: ATTACHMENT_SIZES.a1!,
        authorIsSubject: true,
      },
      {
        id: 'a2',
        ticketId: 501,
        commentId: 'c1',
        fileName: 'notes.txt',
        contentType: 'text/plain',
        size: ATTACHMENT_SIZES.a2!,
        authorIsSubject: true,
      },
      {
        id: 'a3',
        ticketId: 502,
        commentId: 'c3',
        fileName: 'carol-passport.pdf',
        contentType: 'application/pdf',
        size: ATTACHMENT_SIZES.a3!,
        authorIsSubject: false,
      },
      {
        id: 'a4',
        ticketId: 503,
        commentId: 'c5',
        fileName: '../../etc/passwd\u0000\u202Egnp.exe',
        contentType: 'application/octet-stream',
        size: ATTACHMENT_SIZES.a4!,
        authorIsSubject: true,
      },
      {
        id: 'a5',
        ticketId: 503,
        commentId: 'c5',
        fileName: 'lost.pdf',
        contentType: 'application/pdf',
        size: ATTACHMENT_SIZES.a5!,
        authorIsSubject: true,
      },
    ],
    otherPeople: { ...OTHERS, names: OTHER_NAMES },
    informationSheet: {
      purposes: 'Customer support <b>and</b> billing.',
      categories: 'Contact details, ticket content, attachments.',
      recipients: 'Zendesk Inc. (processor, USA, SCCs).',
      retention: 'Tickets are kept for 3 years after closure.',
      rights: 'You may ask for rectification, erasure, restriction, or object.',
      complaint: 'You may complain to your supervisory authority.',
      source: 'Collected from you, and from colleagues who copied you.',
      automatedDecisions: 'None.',
    },
    openAttachment,
    ...overrides,
  };
}
