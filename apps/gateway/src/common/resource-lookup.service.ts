import { ResourceNotFoundError } from '@app/contracts';
import { DatasetEntity, DatasetRepository, ProjectEntity, ProjectRepository } from '@app/database';
import { Injectable } from '@nestjs/common';

/** Resolves the ProjectName/DatasetName of a request to rows, or fails with IMM ResourceNotFound. */
@Injectable()
export class ResourceLookupService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly datasets: DatasetRepository,
  ) {}

  async project(projectName: string): Promise<ProjectEntity> {
    const project = await this.projects.findByName(projectName);
    if (!project) throw new ResourceNotFoundError(`The project ${projectName} does not exist.`);
    return project;
  }

  async dataset(projectName: string, datasetName: string): Promise<{ project: ProjectEntity; dataset: DatasetEntity }> {
    const project = await this.project(projectName);
    const dataset = await this.datasets.findByName(project.id, datasetName);
    if (!dataset)
      throw new ResourceNotFoundError(`The dataset ${datasetName} does not exist in project ${projectName}.`);
    return { project, dataset };
  }
}
