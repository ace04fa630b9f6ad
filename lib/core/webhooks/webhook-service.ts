import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { PlugboardError, ValidationError } from '../../sdk/errors';
import type { DispatcherDeps } from '../dispatcher/deps';
import { validatePattern } from '../events/pattern';
import { everyItem } from '../every-item';
import { invalidFields } from '../field-errors';
import type { InstanceService } from '../instances/instance-service';
import { platformEvent } from '../platform-events';
import {
  type CredentialResolver,
  type EventStore,
  type Page,
  type PageRequest,
  type WebhookDeliveryRecord,
  type WebhookRuleRecord,
  type WebhookSourceRecord,
  webhookSecretRef,
} from '../ports';
import { zodFieldErrors } from '../zod-errors';
import { isJsonPointer } from './json-pointer';
import { signatureMatches } from './signature';

export interface NewWebhookSource {
  name: string;
  secret: string;
  signatureHeader?: string | undefined;
  deliveryIdHeader?: string | undefined;
}

export interface NewWebhookRule {
  filter?: Record<string, unknown> | undefined;
  identifierSelector?: string | undefined;
  handler: string;
  actionConfig?: Record<string, unknown> | undefined;
  order?: number | undefined;
}

export type ReceiveOutcome = { status: 'accepted' | 'duplicate'; deliveryId: string };

/** Webhook sources and rules (admin), and receiving deliveries: verify, dedupe, record, publish. */
export class WebhookService {
  constructor(
    private readonly deps: DispatcherDeps,
    private readonly store: EventStore,
    private readonly secrets: CredentialResolver,
    private readonly instances: InstanceService,
  ) {}

  /**
   * Creates or replaces a source (`created` says which); the secret goes to the credential store
   * only. A replaced source keeps its createdAt, its rules and its deliveries.
   */
  async putSource(input: NewWebhookSource): Promise<{ source: WebhookSourceRecord; created: boolean }> {
    const existing = await this.store.getWebhookSource(input.name);
    const source: WebhookSourceRecord = {
      name: input.name,
      signatureHeader: (input.signatureHeader ?? 'x-hub-signature-256').toLowerCase(),
      signatureScheme: 'sha256',
      deliveryIdHeader: (input.deliveryIdHeader ?? 'x-delivery-id').toLowerCase(),
      createdAt: existing?.createdAt ?? new Date().toISOString(),
    };
    await this.deps.credentials.put(webhookSecretRef(this.deps.stage, input.name), { secret: input.secret });
    await this.store.putWebhookSource(source);
    return { source, created: !existing };
  }

  /**
   * A page of the source's deliveries; one not yet processed shows the outcomes noted so far, so an
   * operator sees how far a delivery that stopped partway got before it runs again.
   */
  async deliveries(name: string, request: PageRequest): Promise<Page<WebhookDeliveryRecord>> {
    await this.source(name);
    const page = await this.store.listWebhookDeliveries(name, request);
    const items = await Promise.all(
      page.items.map(async (delivery) =>
        delivery.status === 'received'
          ? { ...delivery, outcomes: await this.store.listWebhookOutcomes(name, delivery.deliveryId) }
          : delivery,
      ),
    );
    return { ...page, items };
  }

  async source(name: string): Promise<WebhookSourceRecord> {
    const record = await this.store.getWebhookSource(name);
    if (!record) throw new PlugboardError('NotFound', `no webhook source "${name}"`);
    return record;
  }

  /**
   * Deletes the source with its rules, secret and deliveries: a source made again under the name
   * starts empty, where the old delivery ids answered its first deliveries `duplicate`. The record
   * goes last, so a delete cut short (a timeout, a throttled write) is finished by the next one.
   */
  async deleteSource(name: string): Promise<void> {
    await this.source(name);
    const deliveries: Pick<WebhookDeliveryRecord, 'deliveryId' | 'status'>[] = [];
    const listed = everyItem((page) => this.store.listWebhookDeliveries(name, page));
    for await (const { deliveryId, status } of listed) deliveries.push({ deliveryId, status });
    for (const { deliveryId, status } of deliveries) {
      // A delivery not yet processed may have outcomes noted, which a new one of its id would take for its own.
      if (status === 'received') await this.store.clearWebhookOutcomes(name, deliveryId);
      await this.store.deleteWebhookDelivery(name, deliveryId);
    }
    for (const rule of await this.store.listWebhookRules(name))
      await this.store.deleteWebhookRule(name, rule.id);
    await this.deps.credentials.delete(webhookSecretRef(this.deps.stage, name));
    if (!(await this.store.deleteWebhookSource(name)))
      throw new PlugboardError('NotFound', `no webhook source "${name}"`);
  }

  /** Checks the filter, the selector, that `slug#action` is a webhook action, and its actionConfig schema. */
  async addRule(source: string, input: NewWebhookRule): Promise<WebhookRuleRecord> {
    await this.source(source);
    // No filter (or an empty one) takes every delivery; EventBridge itself has no empty pattern.
    const filter = input.filter ?? {};
    const validation = Object.keys(filter).length === 0 ? { ok: true as const } : validatePattern(filter);
    if (!validation.ok) {
      const errors = validation.errors.map((e) => ({ pointer: `/filter${e.pointer}`, detail: e.detail }));
      throw new ValidationError(`the filter is not a valid event pattern: ${errors[0]?.detail}`, errors);
    }
    if (input.identifierSelector !== undefined && !isJsonPointer(input.identifierSelector)) {
      throw new ValidationError('identifierSelector must be a JSON pointer', [
        { pointer: '/identifierSelector', detail: 'must be a JSON pointer such as /repository/id' },
      ]);
    }
    const invalidHandler = (why: string) =>
      new ValidationError(`the handler is not valid: ${why}`, [{ pointer: '/handler', detail: why }]);
    const [slug = '', action = '', ...rest] = input.handler.split('#');
    // Without its `#` the whole handler would be looked up as a plugin and refused as unknown.
    if (!slug || !action || rest.length > 0)
      throw invalidHandler('must be slug#action naming a webhook action, such as audit-log#record');
    const { manifest } = await this.instances.loadedPlugin(slug);
    const declared = manifest.webhookActions.find((a) => a.name === action);
    if (!declared) {
      const known = manifest.webhookActions.map((a) => a.name).join(', ') || 'none';
      throw invalidHandler(`plugin "${slug}" has no webhook action "${action}"; known: ${known}`);
    }
    const actionConfig = input.actionConfig ?? {};
    const checked = z.fromJSONSchema(declared.configSchema as never).safeParse(actionConfig);
    if (!checked.success) {
      const errors = zodFieldErrors(checked.error, '/actionConfig', actionConfig);
      throw invalidFields(`actionConfig does not fit the configSchema of ${input.handler}`, errors);
    }
    const rule: WebhookRuleRecord = {
      id: randomUUID(),
      source,
      filter,
      identifierSelector: input.identifierSelector,
      handler: `${slug}#${action}`,
      actionConfig,
      order: input.order ?? 0,
      createdAt: new Date().toISOString(),
    };
    await this.store.putWebhookRule(rule);
    return rule;
  }

  async deleteRule(source: string, id: string): Promise<void> {
    if (!(await this.store.deleteWebhookRule(source, id)))
      throw new PlugboardError('NotFound', `no rule "${id}" on webhook source "${source}"`);
  }

  /**
   * Verifies the signature before anything is written (a bad one records nothing), then records the
   * delivery once per delivery id and publishes `Webhook Received`; processing follows on the bus.
   */
  async receive(name: string, headers: Record<string, string>, body: Uint8Array): Promise<ReceiveOutcome> {
    const source = await this.store.getWebhookSource(name);
    const secret = source && (await this.secrets.resolve(webhookSecretRef(this.deps.stage, name)))?.secret;
    // An unknown source answers like a bad signature, so senders cannot probe for source names.
    if (!source || !secret || !signatureMatches(secret, body, headers[source.signatureHeader])) {
      throw new PlugboardError('Unauthenticated', 'the webhook signature does not match');
    }
    const deliveryId = headers[source.deliveryIdHeader];
    if (!deliveryId || !/^[\x21-\x7e]{1,200}$/.test(deliveryId)) {
      throw new ValidationError(`the delivery id header ${source.deliveryIdHeader} is missing or not valid`, [
        { pointer: `/headers/${source.deliveryIdHeader}`, detail: 'must be 1-200 printable characters' },
      ]);
    }
    const record: WebhookDeliveryRecord = {
      source: name,
      deliveryId,
      receivedAt: new Date().toISOString(),
      headers: withoutCredentials(headers),
      payload: parsePayload(body),
      status: 'received',
      outcomes: [],
    };
    if (!(await this.store.recordWebhookDelivery(record))) return { status: 'duplicate', deliveryId };
    try {
      await this.deps.bus.publish([
        platformEvent(this.deps.origin, 'Webhook Received', { source: name, deliveryId }, [
          `webhook/${name}/${deliveryId}`,
        ]),
      ]);
    } catch (error) {
      // Recorded but not published, the delivery would never be processed and the sender's retry
      // would be answered `duplicate`: it is forgotten, so the retry is received afresh.
      await this.store.deleteWebhookDelivery(name, deliveryId);
      throw error;
    }
    return { status: 'accepted', deliveryId };
  }
}

/**
 * Headers that may carry a sender's credentials are never stored or shown: the standard ones and
 * the conventional custom ones (X-Api-Key, X-Gitlab-Token, X-Auth-Token, X-Webhook-Secret, ...).
 */
const CREDENTIAL_HEADER = /authorization|cookie|token|secret|password|passwd|api-?key|session|credential/i;
const withoutCredentials = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADER.test(name)));

/** JSON when the body is JSON, the text otherwise (form-encoded senders). */
function parsePayload(body: Uint8Array): unknown {
  const text = Buffer.from(body).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
