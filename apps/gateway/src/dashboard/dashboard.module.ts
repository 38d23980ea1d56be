import { APP_CONFIG, GatewayConfig } from '@app/config';
import { QueueName } from '@app/contracts';
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Router } from 'express';
import { DashboardAuthMiddleware } from './dashboard-auth.middleware';
import { DashboardHeadersMiddleware } from './dashboard-headers.middleware';
import { DashboardController } from './dashboard.controller';
import { DashboardRenderer } from './dashboard.renderer';
import { DashboardService } from './dashboard.service';
import { createQueueBoardRouter, QUEUE_BOARD_PATH } from './queue-board';

const QUEUE_BOARD = Symbol('QUEUE_BOARD');
const queueNames = Object.values(QueueName);

/**
 * The operator dashboard at /dashboard and bull-board at /admin/queues, both behind API_KEY when it is set.
 * Needs the gateway's global repositories, StorageRepository and the registered queues.
 */
@Module({
  controllers: [DashboardController],
  providers: [
    DashboardService,
    DashboardRenderer,
    DashboardAuthMiddleware,
    DashboardHeadersMiddleware,
    {
      provide: QUEUE_BOARD,
      inject: [APP_CONFIG, ...queueNames.map((name) => getQueueToken(name))],
      useFactory: (config: GatewayConfig, ...queues: Queue[]) =>
        createQueueBoardRouter(queues, config.QUEUE_BOARD_WRITABLE),
    },
  ],
})
export class DashboardModule implements NestModule {
  constructor(@Inject(QUEUE_BOARD) private readonly board: Router) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DashboardHeadersMiddleware, DashboardAuthMiddleware).forRoutes('dashboard', 'dashboard/{*path}');
    consumer.apply(DashboardAuthMiddleware, this.board).forRoutes(QUEUE_BOARD_PATH, `${QUEUE_BOARD_PATH}/{*path}`);
  }
}
