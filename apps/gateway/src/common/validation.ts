import { DomainError, ErrorCode, InvalidArgumentError } from '@app/contracts';
import { z } from 'zod';

/** `Files[3].URI`-style path for messages. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function lastName(path: ReadonlyArray<PropertyKey>): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (typeof segment === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(segment)) return segment;
  }
  return undefined;
}

/**
 * Turns the first zod issue into an IMM error naming the field: a missing field is `Missing<Field>`,
 * a bad one `Invalid<Field>`, unknown fields `InvalidArgument`. Pure, unit-tested.
 */
export function issueToError(issue: z.core.$ZodIssue, input: unknown): DomainError {
  const path = issue.path;
  const where = formatPath(path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (where ? `${where}.${k}` : k)).map((k) => k.slice(0, 200));
    return new InvalidArgumentError(`Unknown parameter${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}.`);
  }
  const name = lastName(path);
  if (!name)
    return new InvalidArgumentError(
      where ? `The parameter ${where} is invalid: ${issue.message}.` : `The request body is invalid: ${issue.message}.`,
    );
  const present = valueAt(input, path) !== undefined;
  if (!present && issue.code === 'invalid_type') {
    return new DomainError(`Missing${name}`, `The parameter ${where} is required.`, ErrorCode.MissingParameter);
  }
  return new DomainError(
    `Invalid${name}`,
    `The parameter ${where} is invalid: ${issue.message}.`,
    ErrorCode.InvalidParameter,
  );
}

/**
 * Path of the first string (value or key) holding a NUL character, which PostgreSQL cannot store in text or
 * jsonb. Iterative, so hostile nesting cannot exhaust the stack.
 */
export function findNulString(root: unknown): string | null {
  // Parent links instead of copied paths: memory stays linear however deep the body nests.
  interface Node {
    value: unknown;
    key: PropertyKey | null;
    parent: Node | null;
  }
  const pathOf = (node: Node | null): string => {
    const path: PropertyKey[] = [];
    for (let n = node; n && n.key !== null; n = n.parent) path.unshift(n.key);
    return (formatPath(path) || '(body)').slice(0, 200);
  };
  const stack: Node[] = [{ value: root, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const value = node.value;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return pathOf(node);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, key: i, parent: node }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return pathOf(node);
        stack.push({ value: item, key, parent: node });
      }
    }
  }
  return null;
}

/** Validates an IMM request body (missing body = `{}`); throws the IMM error for the first problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const input = body === undefined ? {} : body;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidArgumentError('The request body must be a JSON object.');
  }
  const nul = findNulString(input);
  if (nul !== null) throw new InvalidArgumentError(`The parameter ${nul} contains a NUL character.`);
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw issueToError(parsed.error.issues[0], input);
  return parsed.data;
}
