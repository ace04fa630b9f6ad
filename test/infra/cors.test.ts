import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../lib/aws/environment';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '../../lib/core/http/cors';
import { buildFixturePlatform } from './platform-fixture';

type Resource = { Type: string; Properties: Record<string, unknown> };

const functionVariables = (template: Template, description: string): Record<string, unknown> => {
  const [fn] = Object.values(
    template.findResources('AWS::Lambda::Function', { Properties: { Description: description } }),
  ) as Resource[];
  return (fn!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
};
const API_FUNCTIONS = ['Plugboard: the HTTP API', 'Plugboard: verifies and records webhook deliveries'];

describe('the HTTP API without corsOrigins', () => {
  const platform = buildFixturePlatform();
  const template = Template.fromStack(platform.stateless);

  it('has no CORS configuration, no unauthorized OPTIONS route and tells the functions none', () => {
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api')) as Resource[];
    expect(api!.Properties).not.toHaveProperty('CorsConfiguration');
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as Resource).Properties.RouteKey,
    );
    expect(keys.some((key) => String(key).startsWith('OPTIONS'))).toBe(false);
    for (const description of API_FUNCTIONS)
      expect(functionVariables(template, description)).not.toHaveProperty('PLUGBOARD_CORS_ORIGINS');
  });
});

describe('the HTTP API with corsOrigins', () => {
  // As an operator might type them: the construct keeps them as browsers send the Origin header.
  const platform = buildFixturePlatform({
    corsOrigins: ['https://Console.example.com/', 'http://127.0.0.1:5173', 'https://console.example.com'],
  });
  const template = Template.fromStack(platform.stateless);
  const origins = ['https://console.example.com', 'http://127.0.0.1:5173'];

  it("sets API Gateway's corsPreflight from the prop, with the lists the dispatcher answers with", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: origins,
        AllowMethods: [...CORS_ALLOW_METHODS],
        AllowHeaders: [...CORS_ALLOW_HEADERS],
        ExposeHeaders: [...CORS_EXPOSE_HEADERS],
        MaxAge: CORS_MAX_AGE_SECONDS,
        AllowCredentials: Match.absent(),
      },
    });
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api')) as Resource[];
    const cors = api!.Properties.CorsConfiguration as Record<string, string[]>;
    expect(cors.AllowHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type', 'if-match']));
    expect(cors.ExposeHeaders).toEqual(
      expect.arrayContaining(['etag', 'x-request-id', 'location', 'retry-after']),
    );
    expect(cors.AllowOrigins).not.toContain('*');
  });

  it('routes OPTIONS to the dispatcher without an authorizer, which the $default route has, acknowledged under cdk-nag', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    const options = routes.find((r) => r.Properties.RouteKey === 'OPTIONS /{proxy+}');
    expect(options?.Properties.AuthorizationType).toBe('NONE');
    expect(routes.find((r) => r.Properties.RouteKey === '$default')?.Properties.AuthorizationType).toBe(
      'AWS_IAM',
    );
    expect(platform.nag.validateScope(platform.app).violations).toEqual([]);
  });

  it('routes OPTIONS without an authorizer on every path an authorized ANY route would otherwise catch it on', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    const authorizedAny = routes.filter(
      (r) => String(r.Properties.RouteKey).startsWith('ANY ') && r.Properties.AuthorizationType !== 'NONE',
    );
    expect(authorizedAny.map((r) => r.Properties.RouteKey)).toContain(
      'ANY /v1/plugin-apis/{instance}/{proxy+}',
    );
    for (const any of authorizedAny) {
      const key = `OPTIONS ${String(any.Properties.RouteKey).slice('ANY '.length)}`;
      expect(routes.find((r) => r.Properties.RouteKey === key)?.Properties.AuthorizationType, key).toBe(
        'NONE',
      );
    }
  });

  it('hands the dispatcher and the webhook receiver the same origins, which they read back', () => {
    for (const description of API_FUNCTIONS) {
      const variables = functionVariables(template, description);
      expect(variables.PLUGBOARD_CORS_ORIGINS).toBe(origins.join(','));
      const env = readEnvironment({
        PLUGBOARD_STAGE: 'test',
        PLUGBOARD_TABLE_NAME: 'table',
        PLUGBOARD_BUS_NAME: 'bus',
        PLUGBOARD_CORS_ORIGINS: variables.PLUGBOARD_CORS_ORIGINS as string,
      });
      expect(env.PLUGBOARD_CORS_ORIGINS).toEqual(origins);
    }
  });

  it('refuses a wildcard or a path, which API Gateway would take and browsers never send', () => {
    expect(() => buildFixturePlatform({ corsOrigins: ['*'] })).toThrow(/wildcard/);
    expect(() => buildFixturePlatform({ corsOrigins: ['https://console.example.com/app'] })).toThrow(
      /more than a scheme, host and port/,
    );
  });
});
