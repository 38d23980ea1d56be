import { BindingEntity } from '@app/database';
import type { ImmBinding } from '../common/imm-responses';
import { immTime } from '../common/imm-schemas';

/** IMM Binding object. */
export function toImmBinding(binding: BindingEntity, names: { projectName: string; datasetName: string }): ImmBinding {
  return {
    ProjectName: names.projectName,
    DatasetName: names.datasetName,
    URI: binding.uri,
    State: binding.state,
    Phase: binding.phase,
    Reason: binding.reason,
    ScannedCount: binding.scannedCount,
    CreateTime: immTime(binding.createTime),
    UpdateTime: immTime(binding.updateTime),
  };
}
