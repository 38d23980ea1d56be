import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ImmOperation } from '../common/imm-operation.decorator';
import { BindingResponse, EmptyResponse, ListBindingsResponse } from '../common/imm-responses';
import { ZodBody } from '../common/zod-body.pipe';
import { createBindingSchema, deleteBindingSchema, getBindingSchema, listBindingsSchema } from './binding.dto';
import { BindingService } from './binding.service';

@ApiTags('Bindings')
@Controller('api/v1')
export class BindingController {
  constructor(private readonly bindings: BindingService) {}

  @ImmOperation(
    'CreateBinding',
    createBindingSchema,
    'Bind a bucket prefix: index everything under it, then follow uploads',
    BindingResponse,
  )
  create(@Body(new ZodBody(createBindingSchema)) body: z.infer<typeof createBindingSchema>) {
    return this.bindings.create(body.ProjectName, body.DatasetName, body.URI);
  }

  @ImmOperation('GetBinding', getBindingSchema, 'Get a binding', BindingResponse)
  get(@Body(new ZodBody(getBindingSchema)) body: z.infer<typeof getBindingSchema>) {
    return this.bindings.get(body.ProjectName, body.DatasetName, body.URI);
  }

  @ImmOperation('ListBindings', listBindingsSchema, 'List the bindings of a dataset', ListBindingsResponse)
  list(@Body(new ZodBody(listBindingsSchema)) body: z.infer<typeof listBindingsSchema>) {
    return this.bindings.list(body);
  }

  @ImmOperation(
    'DeleteBinding',
    deleteBindingSchema,
    'Stop following a prefix (Cleanup also deletes its files)',
    EmptyResponse,
  )
  delete(@Body(new ZodBody(deleteBindingSchema)) body: z.infer<typeof deleteBindingSchema>) {
    return this.bindings.delete(body.ProjectName, body.DatasetName, body.URI, body.Cleanup);
  }
}
