import { ResourceNotFoundError } from '@app/contracts';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { mayAccessProject, principalOf } from './principal';

/**
 * An AccessKey limited to some projects sees the others as missing: a request naming another project answers
 * exactly like one naming a project that does not exist. Authentication itself is the middleware's job.
 */
@Injectable()
export class ProjectScopeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const body: unknown = req.body;
    const projectName =
      body && typeof body === 'object' && Object.hasOwn(body, 'ProjectName')
        ? (body as Record<string, unknown>).ProjectName
        : undefined;
    if (typeof projectName !== 'string') return true;
    if (!mayAccessProject(principalOf(req), projectName) && principalOf(req) !== undefined) {
      throw new ResourceNotFoundError(`The project ${projectName.slice(0, 128)} does not exist.`);
    }
    return true;
  }
}
