import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventsPlatformProps } from '../core/events/events-platform';
import { timerSleep } from '../core/events/retry-policy';
import { DynamoDbEventStore } from './dynamodb-event-store';
import type { PlatformEnvironment } from './environment';
import { deadLetterCounter, platformMetrics } from './platform-metrics';
import { SecretsManagerCredentialResolver } from './secrets-manager-credential-store';

/**
 * The events platform's ports on AWS; each dead letter written is counted for the platform's alarm
 * (platform-metrics.ts). The webhook-secret resolver is only called when a webhook
 * arrives, which only the webhook receiver function serves: the dispatcher's role cannot read secrets,
 * so the resolver loads Secrets Manager on first use (at init it cost the dispatcher's cold import
 * ~20 ms of CPU).
 */
export function awsEventsProps(
  env: PlatformEnvironment,
): EventsPlatformProps & { store: DynamoDbEventStore } {
  const store = new DynamoDbEventStore({
    client: new DynamoDBClient({}),
    tableName: env.PLUGBOARD_TABLE_NAME,
    onDeadLetter: deadLetterCounter(platformMetrics(env.PLUGBOARD_STAGE)),
  });
  return {
    store,
    guards: store,
    webhookSecrets: new SecretsManagerCredentialResolver(),
    sleep: timerSleep,
  };
}
