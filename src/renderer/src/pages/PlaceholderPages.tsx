import { PagePlaceholder } from '../components/PagePlaceholder';

export function RequestsPage(): React.JSX.Element {
  return (
    <PagePlaceholder
      title="Requests"
      intro="The register of data subject requests and their statutory deadlines."
      items={[
        'Every request with its type, regulation, received date and identity verification',
        'Due-in countdowns computed from GDPR Art. 12(3), CCPA §1798.130 and LGPD Art. 19, with extensions',
        'Filters by regulation, type, status and owner; CSV import and export',
        'Response letters from templates',
      ]}
    />
  );
}

export function SubjectsPage(): React.JSX.Element {
  return (
    <PagePlaceholder
      title="Subjects"
      intro="Find every trace of a person in the local cache, offline."
      items={[
        'Search by e-mail, name, phone or external id over every identity',
        'A dossier per person: accounts, organizations, tickets by role, comments, attachments and mentions',
        'Access and portability archives',
      ]}
    />
  );
}

export function ErasurePage(): React.JSX.Element {
  return (
    <PagePlaceholder
      title="Erasure"
      intro="Preview what the right to be forgotten will touch, then execute it safely."
      items={[
        'A plan per ticket and account: delete, redact, keep (with its legal basis) or blocked (with the fix)',
        'Execution from a persisted journal that survives crashes, with verification',
        'A deletion receipt without personal data',
      ]}
    />
  );
}

export function ArchivesPage(): React.JSX.Element {
  return (
    <PagePlaceholder
      title="Archives"
      intro="Access (Art. 15) and portability (Art. 20) archives produced for data subjects."
      items={['Each archive with its subject reference, kind, time and SHA-256', 'Verification of an archive against its manifest']}
    />
  );
}

export function AuditPage(): React.JSX.Element {
  return (
    <PagePlaceholder
      title="Audit"
      intro="The append-only, hash-chained record of every action and decision, without personal data."
      items={['The chain with its verification status and the first broken entry, if any', 'Export for a regulator as CSV and JSON']}
    />
  );
}

export function SyncPage(): React.JSX.Element {
  return (
    <PagePlaceholder
      title="Sync"
      intro="The encrypted local cache of the helpdesk and its synchronisation."
      items={['Progress per resource with rate and time remaining', 'The last sync time, the error history and a sync-now button']}
    />
  );
}
