import { applyDecorators, HttpCode, Post, Type } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

function jsonSchema(schema: z.ZodType): SchemaObject {
  try {
    return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as SchemaObject;
  } catch {
    return { type: 'object' };
  }
}

const operations = new Set<string>();

/** Every operation name declared with ImmOperation (the RPC endpoint at `/` dispatches only to these). */
export function immOperationNames(): ReadonlySet<string> {
  return operations;
}

/**
 * One IMM operation: `POST /api/v1/<name>` (and RPC `Action=<name>` at `/`) answering 200, documented in
 * OpenAPI with the request schema derived from the same zod schema that validates it and the response class.
 */
export function ImmOperation(
  name: string,
  schema: z.ZodType,
  summary: string,
  /** The response body class (see imm-responses.ts), documented as the 200 answer. */
  response?: Type<unknown>,
): MethodDecorator {
  operations.add(name);
  return applyDecorators(
    Post(name),
    HttpCode(200),
    ApiOperation({ operationId: name, summary }),
    ApiBody({ schema: jsonSchema(schema) }),
    ApiOkResponse({
      description: `The IMM ${name} response body plus RequestId.`,
      ...(response ? { type: response } : {}),
    }),
  );
}
