import { type Serving, SUPERVISED_ENV } from './supervisor.mjs';

/** Whether a supervisor runs this process (lib/cli/supervisor.mjs). */
export const supervised = (): boolean => process.env[SUPERVISED_ENV] !== undefined && !!process.send;

/**
 * When a supervisor runs this process (lib/cli/supervisor.mjs): tells it that the platform serves,
 * on which port and whether its state persists, and runs `stop` when the supervisor goes away (it was
 * killed), as a stop signal would, so that the platform never outlives it holding its port.
 */
export function reportToSupervisor(serving: Omit<Serving, 't'>, stop: () => void): void {
  if (!supervised() || !process.send) return;
  process.send({ t: 'serving', ...serving } satisfies Serving);
  process.once('disconnect', stop);
}
