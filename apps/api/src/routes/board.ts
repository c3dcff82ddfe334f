import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler, Router } from 'express';

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

/** Bull Board's page links Google Fonts: offline (and under our CSP) that is a failed request and a console error. */
const REMOTE_FONTS = /<link[^>]+fonts\.googleapis\.com[^>]*>\s*/g;

/** Drops the remote font links from the board's HTML (mount before boardRouter); the page falls back to the system fonts. */
export const withoutRemoteFonts: RequestHandler = (_req, res, next) => {
  const render = res.render.bind(res);
  res.render = ((view: string, options?: object, callback?: (err: Error, html: string) => void) =>
    render(view, options ?? {}, (err: Error, html: string) => {
      if (callback) return callback(err, html?.replace(REMOTE_FONTS, ''));
      if (err) return next(err);
      res.send(html.replace(REMOTE_FONTS, ''));
    })) as typeof res.render;
  next();
};
