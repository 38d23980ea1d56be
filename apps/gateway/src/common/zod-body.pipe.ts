import { Injectable, PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { coerceToSchema } from './coerce-params';
import { parseBody } from './validation';

/**
 * `@Body(new ZodBody(schema))`: the IMM request body, validated and typed. String forms of IMM's clients
 * (JSON "shrink" strings, numbers and booleans as text) are converted by the schema first.
 */
@Injectable()
export class ZodBody<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    return parseBody(this.schema, coerceToSchema(this.schema, value));
  }
}
