/**
 * How long EventBridge keeps trying to hand an event to the delivery function before the
 * dead-letter queue: its own maximum, 185 attempts over 24 hours. The stack's catch-all rule and the
 * subscription rules written at runtime use the same policy.
 */
export const DELIVERY_RETRY = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 } as const;
