// A Google API discovery document's schema as a JSON Schema for ajv. Discovery schemas are
// JSON-Schema-like (type, properties, items, additionalProperties, $ref by name); the API
// refuses a request with a field its schema does not name, so every object with properties
// gets additionalProperties: false here. Two mappings of proto3's JSON form: an int64 is a
// string in the document and the API takes a string or a number; `any` is any value.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';

interface DiscoverySchema {
  type?: string;
  format?: string;
  $ref?: string;
  properties?: Record<string, DiscoverySchema>;
  items?: DiscoverySchema;
  additionalProperties?: DiscoverySchema;
  enum?: string[];
}

type JsonSchema = Record<string, unknown>;

function convert(schema: DiscoverySchema): JsonSchema {
  if (schema.$ref) return { $ref: `#/definitions/${schema.$ref}` };
  if (schema.type === 'any' || schema.type === undefined) return {};
  if (schema.type === 'string' && (schema.format === 'int64' || schema.format === 'uint64')) {
    return { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]+$' }] };
  }
  if (schema.type === 'array') return { type: 'array', ...(schema.items ? { items: convert(schema.items) } : {}) };
  if (schema.type === 'object') {
    if (schema.properties) {
      const properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, convert(v)]));
      return { type: 'object', properties, additionalProperties: false };
    }
    return { type: 'object', additionalProperties: schema.additionalProperties ? convert(schema.additionalProperties) : true };
  }
  // Discovery enums name proto enum values; the API also takes their numbers, so none is enforced.
  return { type: schema.type };
}

/** A validator of one named schema of a discovery document: an error list, empty when valid. */
export function discoveryValidator(documentPath: string, name: string): (value: unknown) => ErrorObject[] {
  const document = JSON.parse(readFileSync(documentPath, 'utf8')) as { schemas: Record<string, DiscoverySchema> };
  const definitions = Object.fromEntries(Object.entries(document.schemas).map(([k, v]) => [k, convert({ ...v, type: v.type ?? 'object' })]));
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile({ definitions, $ref: `#/definitions/${name}` });
  return (value) => (validate(value) ? [] : [...(validate.errors ?? [])]);
}
