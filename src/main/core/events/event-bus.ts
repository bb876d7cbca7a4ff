import { contractEvents, type EventName, type EventPayload } from '../../../shared/contract/events';

export type EventListener = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

/**
 * The core's push channel. Payloads are parsed on emit, so a face never forwards something the
 * contract does not describe.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    const parsed = contractEvents[name].parse(payload) as EventPayload<K>;
    for (const listener of this.#listeners) listener(name, parsed);
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
