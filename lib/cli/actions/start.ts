import { corsOriginsOf } from '../cors-option';
import { exitOnStopSignals, near, platformBanner, startPlatform } from '../local-platform';
import { reportToSupervisor } from '../supervised';

export async function start(options: {
  memory?: boolean;
  port: number;
  watch: boolean;
  plugins: string;
  data: string;
  external: string;
  corsOrigin?: string[];
}): Promise<void> {
  const platform = await startPlatform({
    memory: options.memory,
    port: options.port,
    watch: options.watch,
    pluginsDir: options.plugins,
    dataDir: options.data,
    // Even when the folder does not exist yet: the watcher serves it once it is created.
    processPluginsDir: options.external,
    corsOrigins: corsOriginsOf(options),
  });
  // Before the banner: a Ctrl-C as soon as it shows must find the platform's handlers in place.
  const stop = exitOnStopSignals(platform.close);
  reportToSupervisor(
    {
      port: platform.port,
      persists: !options.memory,
      scratch: options.memory ? [platform.dataDir] : [],
      callsUnderWay: platform.callsUnderWayFile,
    },
    stop,
  );
  const example = platform.report.loaded.some((p) => p.slug === 'echo')
    ? `curl -s -H "Authorization: Bearer $(cat ${near(platform.tokenFile)})" ${platform.url}/v1/plugins`
    : `curl -s ${platform.url}/v1/health`;
  console.log(`${platformBanner(platform, options.memory ? '--memory' : undefined)}\n\nTry: ${example}`);
}
