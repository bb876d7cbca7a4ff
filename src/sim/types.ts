/** Zendesk-shaped records as the simulator stores and serves them (snake_case on purpose: wire shape). */

export interface Via {
  channel: string;
  source: {
    from: { address?: string | null; name?: string | null; phone?: string | null };
    to: { address?: string | null; name?: string | null };
    rel: string | null;
  };
}

export interface IdentityRecord {
  id: number;
  user_id: number;
  type: 'email' | 'phone_number';
  value: string;
  primary: boolean;
  verified: boolean;
  verification_method: string;
  created_at: string;
  updated_at: string;
  deliverable_state: string;
  undeliverable_count: number;
}

export interface UserRecord {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  shared_phone_number: boolean | null;
  role: 'end-user' | 'agent' | 'admin';
  role_type: number | null;
  active: boolean;
  suspended: boolean;
  verified: boolean;
  shared: boolean;
  shared_agent: boolean;
  locale: string | null;
  locale_id: number | null;
  time_zone: string | null;
  iana_time_zone: string | null;
  organization_id: number | null;
  external_id: string | null;
  alias: string | null;
  details: string | null;
  notes: string | null;
  signature: string | null;
  tags: string[];
  user_fields: Record<string, string | number | boolean | null>;
  default_group_id: number | null;
  ticket_restriction: string | null;
  only_private_comments: boolean;
  restricted_agent: boolean;
  moderator: boolean;
  two_factor_auth_enabled: boolean | null;
  custom_role_id: number | null;
  last_login_at: string | null;
  photo: null;
  report_csv: boolean;
  created_at: string;
  updated_at: string;
  /** Not a Zendesk field on the wire: stripped before serving. */
  identities: IdentityRecord[];
}

export interface OrganizationRecord {
  id: number;
  name: string;
  external_id: string | null;
  domain_names: string[];
  details: string | null;
  notes: string | null;
  group_id: number | null;
  shared_tickets: boolean;
  shared_comments: boolean;
  tags: string[];
  organization_fields: Record<string, string | null>;
  created_at: string;
  updated_at: string;
}

export interface MembershipRecord {
  id: number;
  user_id: number;
  organization_id: number;
  organization_name: string;
  default: boolean;
  view_tickets: boolean;
  created_at: string;
  updated_at: string;
}

export interface AttachmentRecord {
  id: number;
  file_name: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  inline: boolean;
  deleted: boolean;
  malware_scan_result: string;
  malware_access_override: boolean;
  thumbnails: [];
}

export interface CommentRecord {
  id: number;
  type: 'Comment';
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  audit_id: number;
  created_at: string;
  via: Via;
  metadata: {
    system: { client: string; ip_address: string | null; location: string | null; latitude: number | null; longitude: number | null };
    custom: Record<string, never>;
  };
  attachments: AttachmentRecord[];
}

export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';

export interface TicketRecord {
  id: number;
  external_id: string | null;
  via: Via;
  created_at: string;
  updated_at: string;
  generated_timestamp: number;
  type: string | null;
  subject: string | null;
  raw_subject: string | null;
  description: string;
  priority: string | null;
  status: TicketStatus;
  recipient: string | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  organization_id: number | null;
  group_id: number | null;
  collaborator_ids: number[];
  follower_ids: number[];
  email_cc_ids: number[];
  problem_id: number | null;
  has_incidents: boolean;
  is_public: boolean;
  due_at: string | null;
  tags: string[];
  custom_fields: { id: number; value: string | number | boolean | null }[];
  satisfaction_rating: { id?: number; score: string; comment?: string | null } | null;
  sharing_agreement_ids: number[];
  followup_ids: number[];
  ticket_form_id: number | null;
  brand_id: number;
  allow_channelback: boolean;
  allow_attachments: boolean;
  from_messaging_channel: boolean;
}
