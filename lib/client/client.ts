import { apiErrorFrom, jsonBody } from './errors';
import type {
  CallContext,
  CallResult,
  CredentialsView,
  DeadLetter,
  DeadLetterPage,
  EventLogPage,
  Guard,
  Health,
  Instance,
  InstancePage,
  InstancePatch,
  InstanceTemplate,
  NewGuard,
  NewInstance,
  NewSubscription,
  NewWebhookRule,
  NewWebhookSource,
  PluginDescription,
  PluginDocs,
  PluginList,
  PutEventsEntry,
  RedriveAnswer,
  Subscription,
  SubscriptionPage,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookRule,
  WebhookSource,
} from './types';

/**
 * The ETag If-Match takes for an instance read, for an answer whose ETag a proxy dropped: its version
 * and generation, all a write is held to (the dispatcher's etagOf, which the client cannot import).
 */
const ifMatchTagOf = ({ version, generation }: Instance): string =>
  generation === undefined ? `"${version}"` : `"${version}-${generation}"`;

export interface ClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:4680` or an API Gateway stage URL. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` (the local platform's token, or a JWT). */
  readonly token?: string;
  /**
   * Signs each request before it is sent, for an API behind IAM: pass a SigV4 signer (service
   * `execute-api`). The client ships none, so it has no AWS dependency. @default no signing
   */
  readonly sign?: (request: Request) => Request | Promise<Request>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per request. @default 30_000 */
  readonly timeoutMs?: number;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Every route the typed methods call, method and OpenAPI path; tests check each is in /v1/openapi.json. */
export const CLIENT_ROUTES = [
  ['get', '/v1/health'],
  ['get', '/v1/plugins'],
  ['get', '/v1/plugins/{slug}'],
  ['get', '/v1/plugins/{slug}/docs'],
  ['get', '/v1/plugins/{slug}/template'],
  ['post', '/v1/instances'],
  ['get', '/v1/instances'],
  ['get', '/v1/instances/{name}'],
  ['patch', '/v1/instances/{name}'],
  ['delete', '/v1/instances/{name}'],
  ['put', '/v1/instances/{name}/credentials'],
  ['get', '/v1/instances/{name}/credentials'],
  ['delete', '/v1/instances/{name}/credentials'],
  ['post', '/v1/instances/{name}/operations/{operation}'],
  ['post', '/v1/instances/{name}/actions/{action}'],
  ['post', '/v1/events'],
  ['post', '/v1/events/test-pattern'],
  ['get', '/v1/events/log'],
  ['post', '/v1/events/replay'],
  ['post', '/v1/subscriptions'],
  ['get', '/v1/subscriptions'],
  ['get', '/v1/subscriptions/{id}'],
  ['delete', '/v1/subscriptions/{id}'],
  ['put', '/v1/webhook-sources/{source}'],
  ['get', '/v1/webhook-sources/{source}'],
  ['get', '/v1/webhook-sources'],
  ['delete', '/v1/webhook-sources/{source}'],
  ['post', '/v1/webhook-sources/{source}/rules'],
  ['get', '/v1/webhook-sources/{source}/rules'],
  ['delete', '/v1/webhook-sources/{source}/rules/{id}'],
  ['get', '/v1/webhooks/{source}/deliveries'],
  ['post', '/v1/guards'],
  ['get', '/v1/guards'],
  ['delete', '/v1/guards/{id}'],
  ['get', '/v1/dlq'],
  ['post', '/v1/dlq/redrive'],
  ['delete', '/v1/dlq/{id}'],
] as const;

const seg = encodeURIComponent;

/** Every item of a paged list, following `nextCursor` from the first page to the last. */
function everyItem<P extends { nextCursor?: string }, T>(
  page: (cursor: string | undefined) => Promise<P>,
  items: (page: P) => T[],
): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      let cursor: string | undefined;
      do {
        const next = await page(cursor);
        yield* items(next);
        cursor = next.nextCursor;
      } while (cursor);
    },
  };
}

/** A small fetch-based client of the Plugboard HTTP API; a non-2xx answer throws PlugboardApiError. */
export class PlugboardClient {
  readonly #options: ClientOptions;

  constructor(options: ClientOptions) {
    // Checked here, not by fetch: the Headers error quotes the value, and a token is a secret.
    if (options.token !== undefined && !/^[\x21-\x7e]+$/.test(options.token))
      throw new TypeError(
        'the token must be printable ASCII without spaces or line breaks (it is not shown here)',
      );
    this.#options = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  /** Any route, typed by the caller; the typed methods below are built on it. */
  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const url = new URL(this.#options.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers = new Headers(options.headers);
    if (this.#options.token) headers.set('authorization', `Bearer ${this.#options.token}`);
    if (options.body !== undefined) headers.set('content-type', 'application/json');
    headers.set('accept', 'application/json, application/problem+json');
    let request = new Request(url, {
      method: method.toUpperCase(),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
    });
    if (this.#options.sign) request = await this.#options.sign(request);
    const response = await (this.#options.fetch ?? fetch)(request);
    const text = await response.text();
    const body = jsonBody(text);
    if (!response.ok) throw apiErrorFrom(response.status, body, text, response.headers.get('x-request-id'));
    return { status: response.status, headers: response.headers, body: body as T };
  }

  async #body<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    return (await this.request<T>(method, path, options)).body;
  }

  health(): Promise<Health> {
    return this.#body('get', '/v1/health');
  }

  readonly plugins = {
    /** The load report: loaded plugins, skipped ones and errors. */
    list: (): Promise<PluginList> => this.#body('get', '/v1/plugins'),
    get: (slug: string): Promise<PluginDescription> => this.#body('get', `/v1/plugins/${seg(slug)}`),
    docs: (slug: string, query: { topic?: string; detail?: 'summary' | 'full' } = {}): Promise<PluginDocs> =>
      this.#body('get', `/v1/plugins/${seg(slug)}/docs`, { query }),
    template: (slug: string): Promise<InstanceTemplate> =>
      this.#body('get', `/v1/plugins/${seg(slug)}/template`),
  };

  readonly instances = {
    create: (instance: NewInstance): Promise<Instance> =>
      this.#body('post', '/v1/instances', { body: instance }),
    /** One page; `all` follows the cursors. */
    list: (query: { plugin?: string; limit?: number; cursor?: string } = {}): Promise<InstancePage> =>
      this.#body('get', '/v1/instances', { query }),
    all: (query: { plugin?: string; pageSize?: number } = {}): AsyncIterable<Instance> =>
      everyItem(
        (cursor) => this.instances.list({ plugin: query.plugin, limit: query.pageSize, cursor }),
        (page) => page.instances,
      ),
    /** The instance and its ETag, for `patch(..., { ifMatch: etag })`. */
    get: async (name: string): Promise<{ instance: Instance; etag: string }> => {
      const response = await this.request<Instance>('get', `/v1/instances/${seg(name)}`);
      return { instance: response.body, etag: response.headers.get('etag') ?? ifMatchTagOf(response.body) };
    },
    patch: (name: string, patch: InstancePatch, options: { ifMatch: string }): Promise<Instance> =>
      this.#body('patch', `/v1/instances/${seg(name)}`, {
        body: patch,
        headers: { 'if-match': options.ifMatch },
      }),
    delete: async (name: string, options: { ifMatch?: string } = {}): Promise<void> => {
      const headers: Record<string, string> = options.ifMatch ? { 'if-match': options.ifMatch } : {};
      await this.request('delete', `/v1/instances/${seg(name)}`, { headers });
    },
  };

  readonly credentials = {
    /** Replaces the instance's credentials; the answer names which are set, never their values. */
    put: (instance: string, values: Record<string, string>): Promise<CredentialsView> =>
      this.#body('put', `/v1/instances/${seg(instance)}/credentials`, { body: { values } }),
    get: (instance: string): Promise<CredentialsView> =>
      this.#body('get', `/v1/instances/${seg(instance)}/credentials`),
    delete: async (instance: string): Promise<void> => {
      await this.request('delete', `/v1/instances/${seg(instance)}/credentials`);
    },
  };

  /** Invokes a contract operation (`configuration.getValues`) or one of the plugin's aliases. */
  operation(
    instance: string,
    operation: string,
    input?: Record<string, unknown>,
    context?: CallContext,
  ): Promise<CallResult> {
    return this.#body('post', `/v1/instances/${seg(instance)}/operations/${seg(operation)}`, {
      body: { input, context },
    });
  }

  action(
    instance: string,
    action: string,
    params?: Record<string, unknown>,
    context?: CallContext,
  ): Promise<CallResult> {
    return this.#body('post', `/v1/instances/${seg(instance)}/actions/${seg(action)}`, {
      body: { params, context },
    });
  }

  readonly events = {
    /** PutEvents-shaped publish (scope "publish"); sources starting with `plugboard` are refused. */
    publish: (entries: PutEventsEntry[]): Promise<{ Entries: { EventId: string }[]; FailedEntryCount: 0 }> =>
      this.#body('post', '/v1/events', { body: { Entries: entries } }),
    log: (
      query: { from?: string; to?: string; limit?: number; cursor?: string } = {},
    ): Promise<EventLogPage> => this.#body('get', '/v1/events/log', { query }),
    replay: (body: { subscriptionId: string; from: string; to: string }): Promise<{ replaying: number }> =>
      this.#body('post', '/v1/events/replay', { body }),
    /** Whether `event` matches `pattern`, as EventBridge's TestEventPattern answers; a bad pattern is a 400. */
    testPattern: async (pattern: Record<string, unknown>, event: unknown): Promise<boolean> =>
      (await this.#body<{ result: boolean }>('post', '/v1/events/test-pattern', { body: { pattern, event } }))
        .result,
  };

  readonly subscriptions = {
    /** The pattern is checked as EventBridge checks a rule's; the instance must exist (404). */
    create: (subscription: NewSubscription): Promise<Subscription> =>
      this.#body('post', '/v1/subscriptions', { body: subscription }),
    list: (query: { limit?: number; cursor?: string } = {}): Promise<SubscriptionPage> =>
      this.#body('get', '/v1/subscriptions', { query }),
    all: (query: { pageSize?: number } = {}): AsyncIterable<Subscription> =>
      everyItem(
        (cursor) => this.subscriptions.list({ limit: query.pageSize, cursor }),
        (page) => page.subscriptions,
      ),
    get: (id: string): Promise<Subscription> => this.#body('get', `/v1/subscriptions/${seg(id)}`),
    delete: async (id: string): Promise<void> => {
      await this.request('delete', `/v1/subscriptions/${seg(id)}`);
    },
  };

  readonly webhookSources = {
    /** Creates or replaces the source; the secret is write-only, never answered. */
    put: (source: string, settings: NewWebhookSource): Promise<WebhookSource> =>
      this.#body('put', `/v1/webhook-sources/${seg(source)}`, { body: settings }),
    get: (source: string): Promise<WebhookSource> => this.#body('get', `/v1/webhook-sources/${seg(source)}`),
    list: (): Promise<{ sources: WebhookSource[] }> => this.#body('get', '/v1/webhook-sources'),
    /** Deletes the source, its rules and its secret. */
    delete: async (source: string): Promise<void> => {
      await this.request('delete', `/v1/webhook-sources/${seg(source)}`);
    },
    addRule: (source: string, rule: NewWebhookRule): Promise<WebhookRule> =>
      this.#body('post', `/v1/webhook-sources/${seg(source)}/rules`, { body: rule }),
    rules: (source: string): Promise<{ rules: WebhookRule[] }> =>
      this.#body('get', `/v1/webhook-sources/${seg(source)}/rules`),
    deleteRule: async (source: string, id: string): Promise<void> => {
      await this.request('delete', `/v1/webhook-sources/${seg(source)}/rules/${seg(id)}`);
    },
    /** Deliveries received, newest first, with each rule-and-instance outcome. */
    deliveries: (
      source: string,
      query: { limit?: number; cursor?: string } = {},
    ): Promise<WebhookDeliveryPage> => this.#body('get', `/v1/webhooks/${seg(source)}/deliveries`, { query }),
    /** Every delivery to the source, newest first, following the cursors. */
    everyDelivery: (source: string, query: { pageSize?: number } = {}): AsyncIterable<WebhookDelivery> =>
      everyItem(
        (cursor) => this.webhookSources.deliveries(source, { limit: query.pageSize, cursor }),
        (page) => page.deliveries,
      ),
  };

  readonly guards = {
    /** Attaches an instance as an authorizer or a pre-hook; attaching it again replaces it. */
    attach: (guard: NewGuard): Promise<Guard> => this.#body('post', '/v1/guards', { body: guard }),
    /** In the order they run. */
    list: (): Promise<{ guards: Guard[] }> => this.#body('get', '/v1/guards'),
    /** `id` is `<role>:<instance>`. */
    detach: async (id: string): Promise<void> => {
      await this.request('delete', `/v1/guards/${seg(id)}`);
    },
  };

  readonly dlq = {
    /** One page, oldest first; `all` follows the cursors. */
    list: (query: { limit?: number; cursor?: string } = {}): Promise<DeadLetterPage> =>
      this.#body('get', '/v1/dlq', { query }),
    all: (query: { pageSize?: number } = {}): AsyncIterable<DeadLetter> =>
      everyItem(
        (cursor) => this.dlq.list({ limit: query.pageSize, cursor }),
        (page) => page.deadLetters,
      ),
    /** All dead letters, or the ids given. */
    redrive: (ids?: string[]): Promise<RedriveAnswer> =>
      this.#body('post', '/v1/dlq/redrive', { body: ids ? { ids } : {} }),
    /** Removes the letter without delivering it; `id` is `<event id>:<target>`. */
    delete: async (id: string): Promise<void> => {
      await this.request('delete', `/v1/dlq/${seg(id)}`);
    },
  };
}
