import type { LogFn } from '../core/dispatcher/deps';
import type { LogRecord } from '../core/runtime/services';

export type LogSink = (line: string) => void;

/** One JSON line per entry, like the Powertools logger writes on Lambda, so the same tools read both. */
export function createLocalLogger(sink: LogSink = (line) => process.stdout.write(`${line}\n`)) {
  const platform: LogFn = (level, message, fields) =>
    sink(JSON.stringify({ time: new Date().toISOString(), level, service: 'plugboard', message, ...fields }));
  const plugin = (record: LogRecord) =>
    sink(
      JSON.stringify({
        time: new Date().toISOString(),
        level: record.level,
        service: `plugin:${record.plugin}`,
        instance: record.instance,
        requestId: record.requestId,
        message: record.message,
        ...(record.fields ? { fields: record.fields } : {}),
      }),
    );
  return { platform, plugin };
}
