import { DomainError, ErrorCode, ResourceNotFoundError } from '@app/contracts';
import { FaceEventRepository } from '@app/database';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The face thumbnail linked from a Stranger / KnownPerson event (the link's token is its only credential). */
@ApiExcludeController()
@Controller('face-events')
export class FaceEventController {
  constructor(private readonly events: FaceEventRepository) {}

  @Get(':eventId/thumbnail.jpg')
  async thumbnail(
    @Param('eventId') eventId: string,
    @Query('token') token: unknown,
    @Res() res: Response,
  ): Promise<void> {
    if (!UUID.test(eventId)) throw new ResourceNotFoundError('The event does not exist.');
    const row = await this.events.thumbnail(eventId.toLowerCase());
    const presented = Buffer.from(typeof token === 'string' ? token : '');
    const expected = Buffer.from(row?.token ?? '');
    if (!row || presented.length !== expected.length || !timingSafeEqual(presented, expected))
      throw new DomainError(ErrorCode.Unauthorized, 'The link is not valid.');
    if (!row.thumbnail) throw new ResourceNotFoundError('The event has no thumbnail.');
    res.setHeader('Content-Type', 'image/jpeg');
    res.setHeader('Cache-Control', 'private, max-age=86400');
    res.end(row.thumbnail);
  }
}
