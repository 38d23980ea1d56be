import { Controller, Get, HttpException, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from './health.service';

/**
 * GET /health/live and /health/ready. Writes the terminus body itself (200, or 503 with the failing checks)
 * so an app's exception filter cannot turn "not ready" into a generic error.
 */
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process answers (Kubernetes livenessProbe). */
  @Get('live')
  async live(@Res() res: Response): Promise<void> {
    await respond(res, () => this.health.live());
  }

  /** Postgres, Redis, the object store and app-specific checks answer (readinessProbe); 503 otherwise. */
  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    await respond(res, () => this.health.ready());
  }
}

async function respond(res: Response, check: () => Promise<unknown>): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  try {
    res.status(200).json(await check());
  } catch (error) {
    if (error instanceof HttpException) {
      res.status(error.getStatus()).json(error.getResponse());
      return;
    }
    res.status(503).json({ status: 'error', error: { health: { status: 'down', message: 'health check failed' } } });
  }
}
