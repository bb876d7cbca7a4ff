/**
 * The places a subject-first look fetches, in the order it fetches them, with the words the UI
 * shows for each. The core's surfaces (main/core/sync/subject-first/surfaces.ts) take their labels
 * from here, so the progress the UI shows while a look runs names them as the finished look does.
 */
export const SUBJECT_SURFACE_LABELS = {
  accounts: 'Accounts with this e-mail',
  shared_identities: 'Accounts sharing an address or number',
  organizations: 'Organisations',
  'tickets.requester': 'Tickets they requested',
  'tickets.submitter': 'Tickets they submitted',
  'tickets.assignee': 'Tickets assigned to them',
  'tickets.cc': 'Tickets they are copied on',
  'tickets.follower': 'Tickets they follow',
  'tickets.commenter': 'Tickets they commented on',
  comments: 'Comments and attachments on those tickets',
} as const;

export type SubjectSurfaceId = keyof typeof SUBJECT_SURFACE_LABELS;
