import { Injectable } from '@nestjs/common';

/** A readiness probe: resolves when the dependency is usable, throws (or resolves false) when it is not. */
export type ReadinessCheck = () => Promise<boolean | void> | boolean | void;

/**
 * App-specific readiness checks beside the built-in ones (Postgres, Redis, object store). The indexer registers
 * its models: `readiness.register('models', () => pipeline.isReady())`.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  entries(): Array<[string, ReadinessCheck]> {
    return [...this.checks.entries()];
  }
}
