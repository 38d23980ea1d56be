import { Controller, Get } from '@nestjs/common';
import { HealthCheck } from '@nestjs/terminus';
import { HealthService } from './health.service';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process answers (Kubernetes livenessProbe). */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.live();
  }

  /** Postgres, Redis, the object store and app-specific checks answer (readinessProbe); 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.ready();
  }
}
