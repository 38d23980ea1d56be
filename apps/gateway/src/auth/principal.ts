import type { Request } from 'express';

/** Who sent a request, as decided by the authentication middleware. */
export type Principal =
  /** No authentication is configured (the local default): everything is allowed. */
  | { kind: 'open' }
  /** The operator's API_KEY: every project and the admin operations. */
  | { kind: 'operator' }
  /** A signed request of an AccessKey: only its projects (null = all), never the admin operations. */
  | { kind: 'access-key'; accessKeyId: string; projects: readonly string[] | null };

const principals = new WeakMap<object, Principal>();

export function setPrincipal(req: Request, principal: Principal): void {
  principals.set(req, principal);
}

/** The principal of a request; a request that never passed the middleware has none and gets no rights. */
export function principalOf(req: Request): Principal | undefined {
  return principals.get(req);
}

export function isAdmin(principal: Principal | undefined): boolean {
  return principal?.kind === 'open' || principal?.kind === 'operator';
}

/** Whether the principal may touch the project of that name. */
export function mayAccessProject(principal: Principal | undefined, projectName: string): boolean {
  if (!principal) return false;
  if (principal.kind !== 'access-key') return true;
  return principal.projects === null || principal.projects.includes(projectName);
}

/** The project names a principal is limited to, or null for all. */
export function projectScope(principal: Principal | undefined): readonly string[] | null {
  if (!principal) return [];
  return principal.kind === 'access-key' ? principal.projects : null;
}
