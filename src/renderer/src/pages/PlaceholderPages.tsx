import { PagePlaceholder } from '../components/PagePlaceholder';

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
