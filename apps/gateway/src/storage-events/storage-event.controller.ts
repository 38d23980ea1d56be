import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ZodBody } from '../common/zod-body.pipe';
import { StorageEventRequest, storageEventSchema } from './storage-event.dto';
import { StorageEventService } from './storage-event.service';

@ApiTags('Object storage notifications')
@Controller('api/v1/events')
export class StorageEventController {
  constructor(private readonly events: StorageEventService) {}

  @Post('storage')
  @HttpCode(200)
  @ApiOperation({ summary: 'S3/MinIO bucket notification webhook (ObjectCreated / ObjectRemoved)' })
  @ApiQuery({ name: 'token', required: false, description: 'The API key, for stores that cannot set headers' })
  handle(@Body(new ZodBody(storageEventSchema)) body: StorageEventRequest) {
    return this.events.handle(body);
  }
}
