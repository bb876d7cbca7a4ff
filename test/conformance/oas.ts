import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/**
 * Zendesk's OpenAPI 3.0 spec, read once per test file, turned into what the conformance suite
 * asks of it: which path template a concrete URL belongs to, which query parameters an operation
 * declares, and a JSON-schema validator for a response. The spec is read from the path in
 * LETHE_ZENDESK_OAS and never copied into the repository.
 */

type Json = Record<string, unknown>;

export interface Operation {
  template: string;
  method: string;
  operation: Json;
  /** Path-level and operation-level parameters, `$ref`s resolved. */
  parameters: { name: string; in: string; style?: string }[];
}

export interface Spec {
  paths: Record<string, Json>;
  match(method: string, pathname: string): Operation | undefined;
  /** Undefined when the spec declares no JSON body for that status. */
  responseValidator(op: Operation, status: number, patch?: (schema: Json) => Json): ValidateFunction | undefined;
}

let cached: { file: string; spec: Spec } | undefined;

/** How to loosen a property, wherever it appears in the spec's schemas (see allowlist.ts). */
export type PropertyOverride = 'nullable' | 'any';

export function loadSpec(file: string, overrides: Record<string, PropertyOverride> = {}): Spec {
  if (cached?.file === file) return cached.spec;
  const doc = parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as Json;
  propertyOverrides = overrides;
  const spec = buildSpec(doc);
  cached = { file, spec };
  return spec;
}

function pointer(doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`External $ref not supported: ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Json)[key];
    if (node === undefined) throw new Error(`Dangling $ref ${ref}`);
  }
  return node as Json;
}

function deref(doc: Json, node: unknown): Json {
  let current = node as Json;
  for (let i = 0; i < 10 && typeof current?.$ref === 'string'; i++) current = pointer(doc, current.$ref);
  return current;
}

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable` becomes a null alternative, examples go,
 * and `#/components/...` references point into the registered document.
 */
let propertyOverrides: Record<string, PropertyOverride> = {};

function overrideProperty(name: string, schema: unknown): unknown {
  const override = propertyOverrides[name];
  if (override === 'any') return {};
  if (override === 'nullable') return { anyOf: [schema, { type: 'null' }] };
  return schema;
}

function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'example' || key === 'examples' || key === 'nullable' || key === 'discriminator' || key === 'xml') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.startsWith('#/') ? `oas${value}` : value;
    else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, overrideProperty(k, toJsonSchema(v))]));
    } else out[key] = toJsonSchema(value);
  }
  if ((node as Json).nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

function segments(path: string): string[] {
  return path
    .replace(/\.json$/, '')
    .split('/')
    .filter(Boolean);
}

function buildSpec(doc: Json): Spec {
  const paths = doc.paths as Record<string, Json>;
  const components = (doc.components ?? {}) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  ajv.addSchema({ $id: 'oas', components: { schemas: toJsonSchema(components.schemas) } });
  const templates = Object.keys(paths).map((template) => ({ template, parts: segments(template) }));
  const validators = new Map<string, ValidateFunction>();

  return {
    paths,
    match(method, pathname) {
      const parts = segments(pathname);
      let best: { template: string; literals: number } | undefined;
      for (const candidate of templates) {
        if (candidate.parts.length !== parts.length) continue;
        let literals = 0;
        let ok = true;
        for (let i = 0; i < parts.length && ok; i++) {
          const expected = candidate.parts[i]!;
          if (expected.startsWith('{')) continue;
          if (expected === parts[i]) literals++;
          else ok = false;
        }
        const item = paths[candidate.template]!;
        if (ok && item[method.toLowerCase()] && (!best || literals > best.literals)) best = { template: candidate.template, literals };
      }
      if (!best) return undefined;
      const item = paths[best.template]!;
      const operation = item[method.toLowerCase()] as Json;
      const parameters = [...((item.parameters as unknown[]) ?? []), ...((operation.parameters as unknown[]) ?? [])].map((p) => {
        const resolved = deref(doc, p);
        return { name: String(resolved.name), in: String(resolved.in), ...(resolved.style ? { style: String(resolved.style) } : {}) };
      });
      return { template: best.template, method: method.toUpperCase(), operation, parameters };
    },
    responseValidator(op, status, patch) {
      const responses = (op.operation.responses ?? {}) as Json;
      const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
      if (!response) throw new Error(`The spec declares no ${status} response for ${op.method} ${op.template}`);
      const content = (deref(doc, response).content ?? {}) as Json;
      const media = (content['application/json'] ?? Object.values(content)[0]) as Json | undefined;
      if (!media?.schema) return undefined;
      const key = `${op.method} ${op.template} ${status} ${patch ? 'patched' : ''}`;
      let validator = validators.get(key);
      if (!validator) {
        let schema = toJsonSchema(media.schema) as Json;
        if (patch) schema = patch(typeof schema.$ref === 'string' ? (toJsonSchema(deref(doc, media.schema)) as Json) : schema);
        validator = ajv.compile(schema);
        validators.set(key, validator);
      }
      return validator;
    },
  };
}

/**
 * A query parameter name is declared when the spec lists it as is (`page[size]`) or lists its
 * deepObject base (`page` for `page[size]`).
 */
export function declaresQuery(op: Operation, name: string): boolean {
  const base = name.replace(/\[.*$/, '');
  return op.parameters.some((p) => p.in === 'query' && (p.name === name || p.name === base || p.name === `${base}[]`));
}
