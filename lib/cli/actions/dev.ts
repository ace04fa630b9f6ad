import { corsOriginsOf } from '../cors-option';
import { startDevSession } from '../dev/dev-session';
import { devTarget } from '../dev/dev-target';
import { exitOnStopSignals } from '../local-platform';
import { reportToSupervisor } from '../supervised';

export async function dev(
  dir: string | undefined,
  options: { port: number; data?: string; corsOrigin?: string[] },
): Promise<void> {
  let stop = () => {};
  const session = await startDevSession({
    target: devTarget(dir),
    port: options.port,
    data: options.data,
    corsOrigins: corsOriginsOf(options),
    onServing: (close) => {
      stop = exitOnStopSignals(close);
    },
  });
  reportToSupervisor(
    {
      port: session.port,
      persists: options.data !== undefined,
      scratch: session.scratch,
      callsUnderWay: session.callsUnderWay,
    },
    stop,
  );
}
