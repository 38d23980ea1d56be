import { z } from 'zod';

/**
 * IMM's clients send many parameters as strings: the generated SDK sends objects and arrays as JSON ("shrink")
 * strings and every number or boolean as text, the RPC clients flatten lists (`Files.1.URI`). This turns such
 * values into what the operation's schema expects, guided by the schema itself, before it validates; a value
 * that does not convert is left as it is, so the schema reports it as usual. Pure, no framework imports.
 */

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);
const NUMERIC = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const MAX_DEPTH = 32;

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema under optional/default/pipe/lazy wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 16; i++) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else break;
  }
  return current;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `{ "1": a, "2": b }` (an unflattened `X.1`, `X.2`) as `[a, b]`; null when the keys are not 1..n. */
function indexedToArray(value: Record<string, unknown>): unknown[] | null {
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((k) => /^[1-9]\d{0,3}$/.test(k))) return null;
  const indexes = keys.map(Number).sort((a, b) => a - b);
  if (indexes.some((n, i) => n !== i + 1)) return null;
  return indexes.map((n) => value[String(n)]);
}

/** Sets an own property whatever the name: `__proto__` from a client's JSON stays data, never a prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function coerceAt(schema: z.ZodType, value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'object': {
      const object = typeof value === 'string' ? parseJson(value) : value;
      if (!isPlainObject(object) || !def.shape) return value;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(object)) {
        define(out, key, Object.hasOwn(def.shape, key) ? coerceAt(def.shape[key], item, depth + 1) : item);
      }
      return out;
    }
    case 'array': {
      let array: unknown = typeof value === 'string' ? parseJson(value) : value;
      if (isPlainObject(array)) array = indexedToArray(array) ?? array;
      if (!Array.isArray(array) || !def.element) return value;
      const element = def.element;
      return array.map((item) => coerceAt(element, item, depth + 1));
    }
    case 'record': {
      const record = typeof value === 'string' ? parseJson(value) : value;
      if (!isPlainObject(record) || !def.valueType) return value;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(record)) define(out, key, coerceAt(def.valueType, item, depth + 1));
      return out;
    }
    case 'number':
    case 'int':
      return typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value;
    case 'boolean':
      if (value === 'true') return true;
      if (value === 'false') return false;
      return value;
    case 'union':
      for (const option of def.options ?? []) {
        const coerced = coerceAt(option, value, depth + 1);
        if (coerced !== value && option.safeParse(coerced).success) return coerced;
      }
      return value;
    case 'unknown':
    case 'any':
      // Free-form fields (SimpleQuery's Query) arrive as JSON text from IMM's SDK.
      if (typeof value === 'string' && /^\s*[[{]/.test(value)) return parseJson(value) ?? value;
      return value;
    default:
      return value;
  }
}

/** The request parameters with string forms converted where the schema expects another type. */
export function coerceToSchema(schema: z.ZodType, params: unknown): unknown {
  return coerceAt(schema, params, 0);
}

/**
 * Flat RPC parameters (`Files.1.URI=…`, `Tags.Key=…`) as nested objects; indexes become arrays when the
 * schema coerces them. Plain names pass through; a name that would overwrite another's value is left flat.
 */
export function unflattenParams(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(flat)) {
    const path = name.split('.');
    if (path.length === 1 || path.some((segment) => !/^[A-Za-z0-9_-]+$/.test(segment))) {
      out[name] = value;
      continue;
    }
    let node = out;
    let ok = true;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      if (next === undefined) node[segment] = Object.create(null) as Record<string, unknown>;
      else if (!isPlainObject(next)) {
        ok = false;
        break;
      }
      node = node[segment] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (ok && node[last] === undefined) node[last] = value;
    else out[name] = value;
  }
  return toPlain(out) as Record<string, unknown>;
}

/** Null-prototype maps (safe to fill from client names) back to plain objects. */
function toPlain(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) define(out, k, toPlain(v));
  return out;
}
