import { ResourceAlreadyExistsError, ResourceNotFoundError } from '@app/contracts';
import { ProjectRepository } from '@app/database';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { EmptyResponse, ListProjectsResponse, ProjectResponse } from '../common/imm-responses';
import { cursorPart, keysetPage, NextTokenCodec } from '../common/next-token';
import { ResourceLookupService } from '../common/resource-lookup.service';
import { CreateProjectRequest, datasetLimitKeys, ListProjectsRequest } from './project.dto';
import { toImmProject } from './project.mapper';

const projectCursor = z.strictObject({ p: cursorPart.name });

@Injectable()
export class ProjectService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly lookup: ResourceLookupService,
    private readonly tokens: NextTokenCodec,
  ) {}

  async create(request: CreateProjectRequest): Promise<ProjectResponse> {
    const settings: Record<string, number> = {};
    for (const key of [...datasetLimitKeys, 'ProjectMaxDatasetCount'] as const) {
      const value = request[key];
      if (value !== undefined) settings[key] = value;
    }
    const project = await this.projects.create({
      name: request.ProjectName,
      description: request.Description ?? '',
      serviceRole: request.ServiceRole ?? 'AliyunIMMDefaultRole',
      templateId: request.TemplateId ?? '',
      settings,
      tags: request.Tag ?? [],
    });
    if (!project) throw new ResourceAlreadyExistsError(`The project ${request.ProjectName} already exists.`);
    return { Project: toImmProject(project) };
  }

  async get(projectName: string, withStatistics = false): Promise<ProjectResponse> {
    const project = await this.lookup.project(projectName);
    return { Project: toImmProject(project, withStatistics ? await this.projects.counts(project.id) : undefined) };
  }

  /** `only`: the names an AccessKey is limited to (null = every project). */
  async list(request: ListProjectsRequest, only: readonly string[] | null = null): Promise<ListProjectsResponse> {
    const limit = request.MaxResults || 100;
    const cursor = this.tokens.decode(request.NextToken, ['ListProjects'], projectCursor);
    const rows = await this.projects.list({
      prefix: request.Prefix,
      after: cursor?.p,
      limit: limit + 1,
      ...(only ? { names: only } : {}),
    });
    const { page, continueAfter } = keysetPage(rows, limit);
    const tagFilter = request.Tag ?? [];
    const visible = page.filter((p) =>
      tagFilter.every((t) => p.tags.some((pt) => pt.TagKey === t.TagKey && pt.TagValue === t.TagValue)),
    );
    return {
      Projects: visible.map((p) => toImmProject(p)),
      NextToken: continueAfter ? this.tokens.encode(['ListProjects'], { p: continueAfter.name }) : '',
    };
  }

  async delete(projectName: string): Promise<EmptyResponse> {
    const project = await this.lookup.project(projectName);
    if (!(await this.projects.delete(project.id)))
      throw new ResourceNotFoundError(`The project ${projectName} does not exist.`);
    return {};
  }
}
