import { Injectable, PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { parseBody } from './validation';

/** `@Body(new ZodBody(schema))`: the IMM request body, validated and typed. */
@Injectable()
export class ZodBody<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    return parseBody(this.schema, value);
  }
}
