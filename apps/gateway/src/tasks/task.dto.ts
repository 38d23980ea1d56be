import { TaskType } from '@app/contracts';
import { z } from 'zod';
import { immName, maxResults, nextToken, timeRange } from '../common/imm-schemas';

const taskTypes = Object.values(TaskType) as [string, ...string[]];
const taskType = z.enum(taskTypes, `must be one of ${taskTypes.join(', ')}`);

export const getTaskSchema = z.strictObject({
  ProjectName: immName,
  TaskType: taskType,
  TaskId: z.string().min(1).max(128),
  RequestDefinition: z.boolean().optional(),
});

export const listTasksSchema = z.strictObject({
  ProjectName: immName,
  TaskTypes: z.array(taskType).max(10).optional(),
  Status: z.enum(['Running', 'Succeeded', 'Failed'], 'must be Running, Succeeded or Failed').optional(),
  /** IMM: `key1=value1,key2=value2`. */
  TagSelector: z
    .string()
    .max(1024)
    .regex(/^[^=,]{1,128}=[^,]*(,[^=,]{1,128}=[^,]*)*$/, 'must be key=value pairs separated by commas')
    .optional(),
  StartTimeRange: timeRange.optional(),
  EndTimeRange: timeRange.optional(),
  /** IMM: TaskId (default), StartTime or EndTime; Order asc (default) or desc. */
  Sort: z.enum(['TaskId', 'StartTime', 'EndTime'], 'must be TaskId, StartTime or EndTime').optional(),
  Order: z.enum(['asc', 'desc', 'ASC', 'DESC'], 'must be asc or desc').optional(),
  MaxResults: maxResults.optional(),
  NextToken: nextToken.optional(),
  RequestDefinition: z.boolean().optional(),
});
export type ListTasksRequest = z.infer<typeof listTasksSchema>;
