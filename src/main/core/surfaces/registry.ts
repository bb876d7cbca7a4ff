import { SURFACE_IDS, type SurfaceId } from '../../../shared/schemas/surfaces';
import { builtinSurfaces } from './builtin';
import { customFieldsSurface } from './custom-fields';
import { helpCenterSurface } from './help-center';
import { customObjectsSurface } from './custom-objects';
import { satisfactionRatingsSurface } from './satisfaction-ratings';
import { sideConversationsSurface } from './side-conversations';
import { suspendedTicketsSurface } from './suspended-tickets';
import { talkSurface } from './talk';
import { ticketAuditsSurface } from './ticket-audits';
import type { SurfaceDefinition } from './types';

/**
 * Every surface Lethe reads, in the order of the coverage table. Add a surface's definition here
 * (see index.ts). Known ids that are not registered are shown as "not searched: not_supported".
 */
export const SURFACES: readonly SurfaceDefinition[] = [
  ...builtinSurfaces,
  customFieldsSurface,
  suspendedTicketsSurface,
  sideConversationsSurface,
  satisfactionRatingsSurface,
  ticketAuditsSurface,
  helpCenterSurface,
  talkSurface,
  customObjectsSurface,
];

export function surfaceById(id: SurfaceId): SurfaceDefinition | undefined {
  return SURFACES.find((s) => s.id === id);
}

export const onDemandSurfaces = (): SurfaceDefinition[] => SURFACES.filter((s) => s.read === 'on_demand' && s.look !== undefined);

/** Labels for ids Lethe does not read yet, so the table can name them. */
export const UNSUPPORTED_LABELS: Record<SurfaceId, string> = {
  users: 'Accounts and identities',
  tickets: 'Tickets',
  comments: 'Ticket comments',
  attachments: 'Attachments',
  suspended_tickets: 'Suspended tickets',
  side_conversations: 'Side conversations',
  satisfaction_ratings: 'Satisfaction ratings',
  ticket_audits: 'Ticket field values and their history',
  custom_fields: 'Custom user and organization fields',
  help_center: 'Help Center (community posts, comments, votes, subscriptions)',
  talk: 'Talk (recordings, voicemails, transcriptions)',
  custom_objects: 'Custom object records',
  compliance_deletion: "Zendesk's deletion status per product",
};

export const labelOf = (id: SurfaceId): string => surfaceById(id)?.label ?? UNSUPPORTED_LABELS[id];

export const ALL_SURFACE_IDS: readonly SurfaceId[] = SURFACE_IDS;
