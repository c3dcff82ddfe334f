import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';

export const BOARD_PATH = '/admin/queues';

export interface BoardOptions {
  /** Show jobs, refuse every action (retry, clean, pause, …): bull-board answers those 405. */
  readOnly: boolean;
}

/** Bull Board UI + API for the given queues, to mount at BOARD_PATH. */
export function boardRouter(queues: Queue[], { readOnly }: BoardOptions): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: readOnly })),
    serverAdapter,
  });
  return serverAdapter.getRouter() as Router;
}
