import type { Principal } from '../http/auth';
import type { InstanceService } from '../instances/instance-service';
import type { InvocationService } from '../invocation/invocation-service';
import type { DispatcherDeps } from './deps';
import type { ValidatedApp } from './validated-app';

export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal | undefined;
    /** Epoch ms by which the request must be answered, when the runtime sets one (Lambda's timeout). */
    deadline: number | undefined;
    /** The answer made with the request id among its headers already (`jsonAnswer`). */
    requestIdAnswer: Response | undefined;
  };
}
export type App = ValidatedApp;

/** What each route module is given. */
export interface RouteContext {
  deps: DispatcherDeps;
  instances: InstanceService;
  invocations: InvocationService;
}
