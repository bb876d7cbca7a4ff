import type { SurfaceDefinition } from './types';

/**
 * The surfaces the sync has always covered: they live in the cache's record tables and the
 * dossier's own lists, so here they only report their count for the coverage table.
 */
export const builtinSurfaces: SurfaceDefinition[] = [
  {
    id: 'users',
    label: 'Accounts and identities',
    read: 'synced',
    countFromDossier: (d) => d.summary.accounts + d.summary.identities,
  },
  { id: 'tickets', label: 'Tickets', read: 'synced', countFromDossier: (d) => d.summary.tickets },
  {
    id: 'comments',
    label: 'Ticket comments (written, or naming the person)',
    read: 'synced',
    countFromDossier: (d) => d.summary.comments + d.summary.mentions,
  },
  { id: 'attachments', label: 'Attachments', read: 'synced', countFromDossier: (d) => d.summary.attachments },
  // custom_fields is synced too, with an erasure step of its own: custom-fields.ts.
];
