import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ImmOperation } from '../common/imm-operation.decorator';
import { ImmTask, ListTasksResponse } from '../common/imm-responses';
import { ZodBody } from '../common/zod-body.pipe';
import { getTaskSchema, listTasksSchema } from './task.dto';
import { TaskService } from './task.service';

@ApiTags('Tasks')
@Controller('api/v1')
export class TaskController {
  constructor(private readonly tasks: TaskService) {}

  @ImmOperation('GetTask', getTaskSchema, 'Status of an asynchronous task (IndexFileMeta, FaceClustering)', ImmTask)
  get(@Body(new ZodBody(getTaskSchema)) body: z.infer<typeof getTaskSchema>) {
    return this.tasks.get(body.ProjectName, body.TaskType, body.TaskId);
  }

  @ImmOperation(
    'ListTasks',
    listTasksSchema,
    'List the tasks of a project (filters; Sort TaskId, StartTime or EndTime; paging)',
    ListTasksResponse,
  )
  list(@Body(new ZodBody(listTasksSchema)) body: z.infer<typeof listTasksSchema>) {
    return this.tasks.list(body);
  }
}
