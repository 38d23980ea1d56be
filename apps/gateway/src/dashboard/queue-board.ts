import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * bull-board's UI and API for the given queues, as an Express router mounted at QUEUE_BOARD_PATH. Read-only
 * (no retry, promote, clean or remove) unless `writable` (QUEUE_BOARD_WRITABLE).
 */
export function createQueueBoardRouter(queues: Queue[], writable = false): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: !writable })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'facecluster queues' } },
  });
  return serverAdapter.getRouter() as Router;
}
