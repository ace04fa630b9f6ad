import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
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
  readonly dispatcher: IFunction;
  /** Serves `POST /v1/webhooks/{source}`, the one route without an authorizer. */
  readonly webhookReceiver: IFunction;
  /**
   * @default - IAM (SigV4) on every route but the open ones
   */
  readonly jwt?: JwtAuthOptions;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;
}

const WEBHOOK_PATH = '/v1/webhooks/{source}';

/** The HTTP API: every route of DESIGN.md §5 plus `$default`, served by the dispatcher (webhooks by the receiver). */
export class PlatformApi extends Construct {
  readonly api: HttpApi;
  readonly url: string;

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

    this.api = new HttpApi(this, 'Api', {
      description: 'Plugboard dispatcher',
      createDefaultStage: false,
      defaultIntegration: integration,
      defaultAuthorizer: authorizer,
      defaultAuthorizationScopes: scopes(['admin']),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
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
}
