import { AccessKeyEntity } from './access-key.entity';
import { BindingEntity } from './binding.entity';
import { ClusterChangeEntity } from './cluster-change.entity';
import { DatasetEntity } from './dataset.entity';
import { FaceEventEntity } from './face-event.entity';
import { FigureClusterEntity } from './figure-cluster.entity';
import { FigureEntity } from './figure.entity';
import { FileEntity } from './file.entity';
import { ProjectEntity } from './project.entity';
import { TaskEntity } from './task.entity';

export {
  AccessKeyEntity,
  BindingEntity,
  ClusterChangeEntity,
  DatasetEntity,
  FaceEventEntity,
  FigureClusterEntity,
  FigureEntity,
  FileEntity,
  ProjectEntity,
  TaskEntity,
};

export const entities = [
  ProjectEntity,
  DatasetEntity,
  BindingEntity,
  FileEntity,
  FigureClusterEntity,
  FigureEntity,
  TaskEntity,
  ClusterChangeEntity,
  AccessKeyEntity,
  FaceEventEntity,
];
