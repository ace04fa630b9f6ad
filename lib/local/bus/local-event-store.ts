import type { EventStore, GuardStore } from '../../core/ports';
import type { FileEventLog } from './file-event-log';

/**
 * The local EventStore: the event log (on every invoke's path) in an append-only file, everything
 * else (subscriptions, dead letters, webhooks, guards) in the registry table through the same
 * DynamoDB code that runs on AWS.
 */
export class LocalEventStore implements EventStore, GuardStore {
  constructor(
    private readonly records: EventStore & GuardStore,
    private readonly log: FileEventLog,
  ) {}

  appendEvent: EventStore['appendEvent'] = (event, options) => this.log.appendEvent(event, options);
  completeEvent: EventStore['completeEvent'] = (id) => this.log.completeEvent(id);
  listPending: EventStore['listPending'] = (request) => this.log.listPending(request);
  listEvents: EventStore['listEvents'] = (range, request) => this.log.listEvents(range, request);

  putSubscription: EventStore['putSubscription'] = (record) => this.records.putSubscription(record);
  getSubscription: EventStore['getSubscription'] = (id) => this.records.getSubscription(id);
  listSubscriptions: EventStore['listSubscriptions'] = (request) => this.records.listSubscriptions(request);
  deleteSubscription: EventStore['deleteSubscription'] = (id) => this.records.deleteSubscription(id);
  putDeadLetter: EventStore['putDeadLetter'] = (letter) => this.records.putDeadLetter(letter);
  replaceDeadLetter: EventStore['replaceDeadLetter'] = (letter) => this.records.replaceDeadLetter(letter);
  getDeadLetter: EventStore['getDeadLetter'] = (id) => this.records.getDeadLetter(id);
  listDeadLetters: EventStore['listDeadLetters'] = (request) => this.records.listDeadLetters(request);
  deleteDeadLetter: EventStore['deleteDeadLetter'] = (id) => this.records.deleteDeadLetter(id);
  putWebhookSource: EventStore['putWebhookSource'] = (record) => this.records.putWebhookSource(record);
  getWebhookSource: EventStore['getWebhookSource'] = (name) => this.records.getWebhookSource(name);
  listWebhookSources: EventStore['listWebhookSources'] = () => this.records.listWebhookSources();
  deleteWebhookSource: EventStore['deleteWebhookSource'] = (name) => this.records.deleteWebhookSource(name);
  putWebhookRule: EventStore['putWebhookRule'] = (record) => this.records.putWebhookRule(record);
  listWebhookRules: EventStore['listWebhookRules'] = (source) => this.records.listWebhookRules(source);
  deleteWebhookRule: EventStore['deleteWebhookRule'] = (source, id) =>
    this.records.deleteWebhookRule(source, id);
  recordWebhookDelivery: EventStore['recordWebhookDelivery'] = (record) =>
    this.records.recordWebhookDelivery(record);
  updateWebhookDelivery: EventStore['updateWebhookDelivery'] = (record) =>
    this.records.updateWebhookDelivery(record);
  deleteWebhookDelivery: EventStore['deleteWebhookDelivery'] = (source, id) =>
    this.records.deleteWebhookDelivery(source, id);
  getWebhookDelivery: EventStore['getWebhookDelivery'] = (source, id) =>
    this.records.getWebhookDelivery(source, id);
  listWebhookDeliveries: EventStore['listWebhookDeliveries'] = (source, request) =>
    this.records.listWebhookDeliveries(source, request);
  noteWebhookOutcome: EventStore['noteWebhookOutcome'] = (source, id, outcome) =>
    this.records.noteWebhookOutcome(source, id, outcome);
  listWebhookOutcomes: EventStore['listWebhookOutcomes'] = (source, id) =>
    this.records.listWebhookOutcomes(source, id);
  clearWebhookOutcomes: EventStore['clearWebhookOutcomes'] = (source, id) =>
    this.records.clearWebhookOutcomes(source, id);
  putGuard: GuardStore['putGuard'] = (record) => this.records.putGuard(record);
  listGuards: GuardStore['listGuards'] = () => this.records.listGuards();
  deleteGuard: GuardStore['deleteGuard'] = (id) => this.records.deleteGuard(id);
}
