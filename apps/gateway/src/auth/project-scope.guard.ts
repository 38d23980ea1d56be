import { DomainError, ErrorCode, ResourceNotFoundError } from '@app/contracts';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { mayAccessProject, principalOf } from './principal';

/** Operations an AccessKey limited to some projects may call without naming one (they filter by its scope). */
const SCOPED_WITHOUT_PROJECT = new Set(['listprojects']);

/**
 * An AccessKey limited to some projects sees the others as missing: a request naming another project answers
 * exactly like one naming a project that does not exist. Operations that name no project (the storage webhook,
 * AccessKey management) are refused to such a key, except the listings that filter by its scope.
 * Authentication itself is the middleware's job.
 */
@Injectable()
export class ProjectScopeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(req);
    if (principal?.kind !== 'access-key' || principal.projects === null) return true;
    const body: unknown = req.body;
    const projectName =
      body && typeof body === 'object' && Object.hasOwn(body, 'ProjectName')
        ? (body as Record<string, unknown>).ProjectName
        : undefined;
    if (typeof projectName === 'string') {
      if (!mayAccessProject(principal, projectName))
        throw new ResourceNotFoundError(`The project ${projectName.slice(0, 128)} does not exist.`);
      return true;
    }
    const operation = req.path.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';
    if (SCOPED_WITHOUT_PROJECT.has(operation)) return true;
    throw new DomainError('Forbidden.RAM', 'This AccessKey is limited to some projects.', ErrorCode.Forbidden);
  }
}
