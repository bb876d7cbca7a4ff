import type { z } from 'zod';

/**
 * One operation of the contract: its input and output schemas, a one-line summary (shown in the
 * CLI and docs) and a valid example input that the contract tests use to generate bad payloads.
 */
export interface OperationDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly summary: string;
  readonly example: z.input<I>;
}

export type ContractShape = Record<string, OperationDef>;

export function op<I extends z.ZodType, O extends z.ZodType>(def: OperationDef<I, O>): OperationDef<I, O> {
  return def;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * Merges per-domain groups into one contract. Names must be unique across all groups: a
 * duplicate is a programming error and fails at start-up rather than silently shadowing.
 */
export function mergeContract<G extends ContractShape[]>(...groups: G): UnionToIntersection<G[number]> {
  const merged: ContractShape = {};
  for (const group of groups) {
    for (const [name, def] of Object.entries(group)) {
      if (Object.hasOwn(merged, name)) {
        throw new Error(`Duplicate contract operation name: ${name}`);
      }
      if (!/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/.test(name)) {
        throw new Error(`Contract operation name must look like domain.verbNoun: ${name}`);
      }
      merged[name] = def;
    }
  }
  return merged as UnionToIntersection<G[number]>;
}

export type InputOf<C extends ContractShape, K extends keyof C> = z.input<C[K]['input']>;
export type ParsedInputOf<C extends ContractShape, K extends keyof C> = z.output<C[K]['input']>;
export type OutputOf<C extends ContractShape, K extends keyof C> = z.output<C[K]['output']>;
