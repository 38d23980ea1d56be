/**
 * A jsonb column's value. `any` because TypeORM's deep-partial update types reject `unknown` values and
 * recurse without bound on a recursive JSON type; callers validate what they read.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;
