import { Module } from '@nestjs/common';
import { BindingController } from '../bindings/binding.controller';
import { BindingService } from '../bindings/binding.service';
import { ResourceLookupService } from '../common/resource-lookup.service';
import { DatasetController } from '../datasets/dataset.controller';
import { DatasetService } from '../datasets/dataset.service';
import { FigureClusterController } from '../figure-clusters/figure-cluster.controller';
import { FigureClusterService } from '../figure-clusters/figure-cluster.service';
import { FileIndexingService } from '../files/file-indexing.service';
import { FileController } from '../files/file.controller';
import { FileService } from '../files/file.service';
import { NotificationProcessor } from '../notifications/notification.processor';
import { OutboxRelayService } from '../notifications/outbox-relay.service';
import { TaskEventsController } from '../notifications/task-events.controller';
import { WebhookClient } from '../notifications/webhook.client';
import { ProjectController } from '../projects/project.controller';
import { ProjectService } from '../projects/project.service';
import { SearchController } from '../search/search.controller';
import { SearchService } from '../search/search.service';
import { StorageEventController } from '../storage-events/storage-event.controller';
import { StorageEventService } from '../storage-events/storage-event.service';
import { TaskJanitorService } from '../tasks/task-janitor.service';
import { TaskController } from '../tasks/task.controller';
import { TaskService } from '../tasks/task.service';

/** The IMM operations (POST /api/v1/<OperationName>), bucket notifications and task notifications. */
@Module({
  controllers: [
    ProjectController,
    DatasetController,
    FileController,
    BindingController,
    FigureClusterController,
    SearchController,
    TaskController,
    StorageEventController,
    TaskEventsController,
  ],
  providers: [
    ResourceLookupService,
    ProjectService,
    DatasetService,
    FileIndexingService,
    FileService,
    BindingService,
    FigureClusterService,
    SearchService,
    TaskService,
    TaskJanitorService,
    StorageEventService,
    OutboxRelayService,
    NotificationProcessor,
    WebhookClient,
  ],
})
export class ImmModule {}
