import { DomainError, ErrorCode } from '@app/contracts';
import { Body, Controller, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { AccessKeyService } from '../auth/access-key.service';
import { isAdmin, principalOf } from '../auth/principal';
import { ImmOperation } from '../common/imm-operation.decorator';
import { ZodBody } from '../common/zod-body.pipe';
import { createAccessKeySchema, listAccessKeysSchema, revokeAccessKeySchema } from './access-key.dto';

/** Operator-only (API_KEY, or open mode): AccessKeys never manage AccessKeys. */
function requireAdmin(req: Request): void {
  if (!isAdmin(principalOf(req)))
    throw new DomainError('Forbidden.RAM', 'Only the operator (API_KEY) may manage AccessKeys.', ErrorCode.Forbidden);
}

@ApiTags('AccessKeys (facecluster)')
@Controller('api/v1')
export class AccessKeyController {
  constructor(private readonly accessKeys: AccessKeyService) {}

  @ImmOperation(
    'CreateAccessKey',
    createAccessKeySchema,
    'Create an AccessKey pair (operator only; the secret is shown once)',
  )
  create(@Req() req: Request, @Body(new ZodBody(createAccessKeySchema)) body: z.infer<typeof createAccessKeySchema>) {
    requireAdmin(req);
    return this.accessKeys
      .create({ projects: body.Projects ? [...new Set(body.Projects)] : null, description: body.Description })
      .then((AccessKey) => ({ AccessKey }));
  }

  @ImmOperation('ListAccessKeys', listAccessKeysSchema, 'List the AccessKeys, revoked ones too (operator only)')
  async list(
    @Req() req: Request,
    @Body(new ZodBody(listAccessKeysSchema)) _body: z.infer<typeof listAccessKeysSchema>,
  ) {
    requireAdmin(req);
    return { AccessKeys: await this.accessKeys.list() };
  }

  @ImmOperation('RevokeAccessKey', revokeAccessKeySchema, 'Revoke an AccessKey at once (operator only)')
  async revoke(
    @Req() req: Request,
    @Body(new ZodBody(revokeAccessKeySchema)) body: z.infer<typeof revokeAccessKeySchema>,
  ) {
    requireAdmin(req);
    await this.accessKeys.revoke(body.AccessKeyId);
    return {};
  }
}
