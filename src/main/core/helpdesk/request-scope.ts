import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A name for the requests made while a piece of work runs (a surface's look, its journal
 * operations, its verification), carried through awaits, so a counter of requests (`onRequest`)
 * can say what they were for without every caller passing it down.
 */
const scope = new AsyncLocalStorage<string>();

export const withRequestScope = <T>(name: string, work: () => Promise<T>): Promise<T> => scope.run(name, work);

export const currentRequestScope = (): string | undefined => scope.getStore();

/**
 * Work that only saves later calls (an index filled after a sync) names its requests `index:...`:
 * the scheduler lets it read only while nothing else has asked for the budget lately, so an
 * officer's look or live check never queues behind it.
 */
export const isBackgroundScope = (name: string | undefined): boolean => name?.startsWith('index:') ?? false;
