import { ProjectEntity } from '@app/database';
import type { ImmProject } from '../common/imm-responses';
import { immTime } from '../common/imm-schemas';

/** IMM Project object. */
export function toImmProject(
  project: ProjectEntity,
  counts?: { datasetCount: number; fileCount: number; totalFileSize: number },
): ImmProject {
  return {
    ProjectName: project.name,
    Description: project.description,
    ServiceRole: project.serviceRole,
    TemplateId: project.templateId,
    ...project.settings,
    Tags: project.tags,
    CreateTime: immTime(project.createTime),
    UpdateTime: immTime(project.updateTime),
    ...(counts
      ? { DatasetCount: counts.datasetCount, FileCount: counts.fileCount, TotalFileSize: counts.totalFileSize }
      : {}),
  };
}
