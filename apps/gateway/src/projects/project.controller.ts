import { Body, Controller, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { principalOf, projectScope } from '../auth/principal';
import { ImmOperation } from '../common/imm-operation.decorator';
import { EmptyResponse, ListProjectsResponse, ProjectResponse } from '../common/imm-responses';
import { ZodBody } from '../common/zod-body.pipe';
import { createProjectSchema, deleteProjectSchema, getProjectSchema, listProjectsSchema } from './project.dto';
import { ProjectService } from './project.service';

@ApiTags('Projects')
@Controller('api/v1')
export class ProjectController {
  constructor(private readonly projects: ProjectService) {}

  @ImmOperation('CreateProject', createProjectSchema, 'Create a project', ProjectResponse)
  create(@Body(new ZodBody(createProjectSchema)) body: z.infer<typeof createProjectSchema>) {
    return this.projects.create(body);
  }

  @ImmOperation('GetProject', getProjectSchema, 'Get a project', ProjectResponse)
  get(@Body(new ZodBody(getProjectSchema)) body: z.infer<typeof getProjectSchema>) {
    return this.projects.get(body.ProjectName, body.WithStatistics);
  }

  @ImmOperation('ListProjects', listProjectsSchema, 'List projects by name, with paging', ListProjectsResponse)
  list(@Req() req: Request, @Body(new ZodBody(listProjectsSchema)) body: z.infer<typeof listProjectsSchema>) {
    return this.projects.list(body, projectScope(principalOf(req)));
  }

  @ImmOperation(
    'DeleteProject',
    deleteProjectSchema,
    'Delete a project with its datasets, files and tasks',
    EmptyResponse,
  )
  delete(@Body(new ZodBody(deleteProjectSchema)) body: z.infer<typeof deleteProjectSchema>) {
    return this.projects.delete(body.ProjectName);
  }
}
