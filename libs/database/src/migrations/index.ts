import { InitialSchema1795905196251 } from './1795905196251-InitialSchema';
import { WidenBindingPhase1795907000000 } from './1795907000000-WidenBindingPhase';
import { Outbox1796110000000 } from './1796110000000-Outbox';

/** Every migration, in order. Never edit one that has landed: add a new one. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for migration classes
export const migrations: Function[] = [
  InitialSchema1795905196251,
  WidenBindingPhase1795907000000,
  Outbox1796110000000,
];
