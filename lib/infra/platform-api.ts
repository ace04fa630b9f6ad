import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  CORS_MAX_AGE_SECONDS,
  corsOrigin,
} from '../core/http/cors';
import { API_ROUTES, type ApiScope } from './api-routes';

/** JWT instead of IAM: tokens from `issuer` for one of `audience`, scopes mapped to the API's. */
export interface JwtAuthOptions {
  /** Issuer URL, e.g. a Cognito user pool's `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: string;
  readonly audience: readonly string[];
  /**
   * Put before each API scope to make the token's scope, e.g. `plugboard/` for `plugboard/admin`.
   * @default '' (the scopes are `admin`, `invoke`, `publish`)
   */
  readonly scopePrefix?: string;
}

export interface PlatformApiProps {
  /** Serves every route but the webhook receiver's (`$default` included). */
  readonly dispatcher: IFunction;
  /** Serves `POST /v1/webhooks/{source}`, the one route without an authorizer. */
  readonly webhookReceiver: IFunction;
  /**
   * JWT authorization by an identity provider's tokens, in place of IAM.
   * @default - IAM (SigV4) on every route but the open ones
   */
  readonly jwt?: JwtAuthOptions;
  /**
   * How long the API's access log keeps its lines.
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;
  /**
   * Origins of browser apps allowed to call the API (`https://console.example.com`, no wildcard):
   * API Gateway answers their preflights and adds the CORS headers to every response. Hand the
   * same list to the functions behind the API (see `corsOrigins` below), so that they answer as
   * the local platform does what reaches them.
   * @default - none: no CORS configuration, no CORS headers
   */
  readonly corsOrigins?: readonly string[];
}

const WEBHOOK_PATH = '/v1/webhooks/{source}';

/** The HTTP API: every route of DESIGN.md §5 plus `$default`, served by the dispatcher (webhooks by the receiver). */
export class PlatformApi extends Construct {
  readonly api: HttpApi;
  readonly url: string;
  /** The access log: a line per request, with API Gateway's request id (the answer's x-request-id). */
  readonly accessLogs: LogGroup;
  /** The allowed origins as browsers send them (see corsOrigin); empty when CORS is off. */
  readonly corsOrigins: readonly string[];

  constructor(scope: Construct, id: string, props: PlatformApiProps) {
    super(scope, id);
    const integration = new HttpLambdaIntegration('Dispatcher', props.dispatcher, {
      // One permission for the whole API instead of one per route: the dispatcher serves them all.
      scopePermissionToRoute: false,
    });
    const webhooks = new HttpLambdaIntegration('WebhookReceiver', props.webhookReceiver, {
      scopePermissionToRoute: false,
    });
    const jwt = props.jwt;
    const authorizer: IHttpRouteAuthorizer = jwt
      ? new HttpJwtAuthorizer('Jwt', jwt.issuer, { jwtAudience: [...jwt.audience] })
      : new HttpIamAuthorizer();
    const scopes = (wanted: readonly ApiScope[]) =>
      jwt ? wanted.map((scope) => `${jwt.scopePrefix ?? ''}${scope}`) : undefined;

    this.corsOrigins = [...new Set((props.corsOrigins ?? []).map(corsOrigin))];
    this.api = new HttpApi(this, 'Api', {
      description: 'Plugboard dispatcher',
      createDefaultStage: false,
      defaultIntegration: integration,
      defaultAuthorizer: authorizer,
      defaultAuthorizationScopes: scopes(['admin']),
      // The lists the dispatcher uses locally: API Gateway drops the integration's CORS headers
      // for its own, so these are what a browser gets on AWS.
      corsPreflight:
        this.corsOrigins.length > 0
          ? {
              allowOrigins: [...this.corsOrigins],
              allowMethods: CORS_ALLOW_METHODS.map(
                (method) => CorsHttpMethod[method as keyof typeof CorsHttpMethod],
              ),
              allowHeaders: [...CORS_ALLOW_HEADERS],
              exposeHeaders: [...CORS_EXPOSE_HEADERS],
              maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
            }
          : undefined,
    });
    if (this.corsOrigins.length > 0) this.allowPreflights(integration);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.accessLogs = accessLogs;
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    this.url = stage.url;

    for (const route of API_ROUTES) {
      const open = route.scopes === 'open';
      const added = this.api.addRoutes({
        path: route.path,
        methods: route.methods.map((method) => HttpMethod[method]),
        integration: route.path === WEBHOOK_PATH ? webhooks : integration,
        authorizer: open ? new HttpNoneAuthorizer() : authorizer,
        authorizationScopes: route.scopes === 'open' ? undefined : scopes(route.scopes),
      });
      if (!open) continue;
      for (const openRoute of added) {
        Validations.of(openRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.path !== WEBHOOK_PATH
              ? 'The health check answers a fixed status and reveals no data, so load balancers and monitors can call it unsigned.'
              : 'Webhook senders (GitHub and the like) cannot sign with SigV4 or fetch a JWT; the dispatcher verifies every delivery by HMAC in constant time before recording it.',
        });
      }
    }
  }

  /**
   * API Gateway's own preflight answer is not reached through the `$default` route, which carries
   * the authorizer and catches every OPTIONS: browsers send no credentials on a preflight, so it
   * would be refused. An OPTIONS route without an authorizer takes precedence over `$default`.
   */
  private allowPreflights(integration: HttpLambdaIntegration): void {
    // A route for ANY method catches OPTIONS on its path with its authorizer as `$default` does,
    // and its longer path wins over `/{proxy+}`: the plugin APIs, which browser apps call most,
    // would have every preflight refused. An OPTIONS route on the same path takes precedence.
    const anyPaths = API_ROUTES.filter(
      (route) => route.scopes !== 'open' && route.methods.includes('ANY'),
    ).map((route) => route.path);
    for (const path of ['/{proxy+}', ...anyPaths]) {
      const [route] = this.api.addRoutes({
        path,
        methods: [HttpMethod.OPTIONS],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      });
      if (!route) continue;
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'CORS preflights: browsers never send credentials on one, so the OPTIONS route cannot require them. API Gateway answers a preflight from a listed origin from its CORS configuration; what reaches the dispatcher is refused (403 for a preflight from another origin, 401 for any other OPTIONS, which has no verified caller) and reveals no data.',
      });
    }
  }
}
