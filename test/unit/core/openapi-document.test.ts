import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { openApiDocument } from '../../../lib/core/dispatcher/openapi-document';
import { createRoute } from '../../../lib/core/dispatcher/route-config';

const info = { title: 't', version: '1' };
const Thing = z.object({ id: z.string(), count: z.number().int().default(0) }).meta({ id: 'DocThing' });
const NewThing = z.strictObject({ id: z.string(), count: z.number().int().default(0) });

const put = createRoute({
  method: 'put',
  path: '/things/{id}',
  summary: 'Put a thing',
  request: {
    params: z.object({ id: z.string().max(9) }),
    query: z.object({ dry: z.string().optional().meta({ description: 'Only check' }), mode: z.string() }),
    headers: z.object({ 'if-match': z.string().optional() }),
    body: { required: true, content: { 'application/json': { schema: NewThing } } },
  },
  responses: { 200: { description: 'Stored', content: { 'application/json': { schema: Thing } } } },
});
const list = createRoute({
  method: 'get',
  path: '/things',
  security: [],
  responses: {
    200: {
      description: 'All',
      content: { 'application/json': { schema: z.object({ things: z.array(Thing) }) } },
    },
  },
});

// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
const doc = openApiDocument([put, list], { info, schemas: { Extra: { type: 'string' } } }) as any;

describe('openApiDocument', () => {
  it('makes one component of a named schema, which every answer refers to', () => {
    expect(doc.components.schemas.DocThing.properties.id).toEqual({ type: 'string' });
    expect(doc.components.schemas.Extra).toEqual({ type: 'string' });
    expect(doc.paths['/things/{id}'].put.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/DocThing',
    });
    const listed = doc.paths['/things'].get.responses['200'].content['application/json'].schema;
    expect(listed.properties.things.items).toEqual({ $ref: '#/components/schemas/DocThing' });
  });

  it('describes a request as zod takes it and an answer as zod gives it', () => {
    const body = doc.paths['/things/{id}'].put.requestBody;
    expect(body.required).toBe(true);
    // A default makes the field optional to send, and present in every answer.
    expect(body.content['application/json'].schema.required).toEqual(['id']);
    expect(doc.components.schemas.DocThing.required).toEqual(['id', 'count']);
  });

  it('holds a strict request to its fields and leaves answers open to fields a later version adds', () => {
    expect(
      doc.paths['/things/{id}'].put.requestBody.content['application/json'].schema.additionalProperties,
    ).toBe(false);
    expect(doc.components.schemas.DocThing).not.toHaveProperty('additionalProperties');
    expect(doc.paths['/things'].get.responses['200'].content['application/json'].schema).not.toHaveProperty(
      'additionalProperties',
    );
  });

  it('makes each field of the path, query and header schemas a parameter', () => {
    expect(doc.paths['/things/{id}'].put.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 9 } },
      {
        name: 'dry',
        in: 'query',
        required: false,
        description: 'Only check',
        schema: { type: 'string', description: 'Only check' },
      },
      { name: 'mode', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'if-match', in: 'header', required: false, schema: { type: 'string' } },
    ]);
  });

  it('keeps a route open only where it says so, the bearer token being the default', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/things'].get.security).toEqual([]);
    expect(doc.paths['/things/{id}'].put).not.toHaveProperty('security');
  });

  it('refuses one name for two different schemas instead of describing one of them wrongly', () => {
    const other = z.object({ name: z.string() }).meta({ id: 'DocThing' });
    const clash = createRoute({
      method: 'post',
      path: '/clash',
      request: { body: { content: { 'application/json': { schema: other } } } },
      responses: { 204: { description: 'Done' } },
    });
    expect(() => openApiDocument([put, clash], { info })).toThrow(/DocThing differs/);
  });
});
