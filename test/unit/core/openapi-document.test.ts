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

/** Every `$ref` of a document, each to be found where it points. */
function unresolved(document: object): string[] {
  const refs = JSON.stringify(document).match(/"\$ref":"[^"]*"/g) ?? [];
  return refs
    .map((found) => JSON.parse(found.slice('"$ref":'.length)) as string)
    .filter((ref) => {
      // biome-ignore lint/suspicious/noExplicitAny: walking plain JSON
      let node: any = document;
      for (const part of ref.slice(2).split('/')) node = node?.[part];
      return node === undefined;
    });
}

const both = (schema: z.ZodType, answer: z.ZodType = schema) =>
  createRoute({
    method: 'post',
    path: '/both',
    request: { body: { required: true, content: { 'application/json': { schema } } } },
    responses: { 200: { description: 'Done', content: { 'application/json': { schema: answer } } } },
  });

describe('a named schema in requests and answers', () => {
  it('names its request variant <id>Input where zod takes it otherwise than it gives it', () => {
    const Counter = z.object({ count: z.number().int().default(0) }).meta({ id: 'DocCounter' });
    // biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
    const made = openApiDocument([both(Counter)], { info }) as any;
    const operation = made.paths['/both'].post;
    expect(operation.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/DocCounterInput',
    });
    expect(operation.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/DocCounter',
    });
    expect(made.components.schemas.DocCounterInput).not.toHaveProperty('required');
    expect(made.components.schemas.DocCounter.required).toEqual(['count']);
  });

  it('describes a named schema holding a recursive one both ways, every reference resolving', () => {
    const Stored = z.object({ key: z.string(), value: z.json() }).meta({ id: 'DocStored' });
    const made = openApiDocument([both(Stored)], { info });
    expect(unresolved(made)).toEqual([]);
    const names = Object.keys((made as { components: { schemas: object } }).components.schemas);
    expect(names).toEqual(expect.arrayContaining(['input__schema0', 'output__schema0', 'DocStored']));
  });

  it('gives a named schema around a differing one its request variant too, referring to the inner one', () => {
    const Inner = z.object({ n: z.number().default(1) }).meta({ id: 'DocInner' });
    const Outer = z.object({ inner: Inner, list: z.array(Inner) }).meta({ id: 'DocOuter' });
    // biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
    const made = openApiDocument([both(Outer)], { info }) as any;
    expect(unresolved(made)).toEqual([]);
    const { DocOuterInput, DocOuter } = made.components.schemas;
    expect(DocOuterInput.properties.inner).toEqual({ $ref: '#/components/schemas/DocInnerInput' });
    expect(DocOuterInput.properties.list.items).toEqual({ $ref: '#/components/schemas/DocInnerInput' });
    expect(DocOuter.properties.inner).toEqual({ $ref: '#/components/schemas/DocInner' });
  });

  it('still refuses two different schemas under one name, or a name taken by a given component', () => {
    const One = z.object({ n: z.number().default(1) }).meta({ id: 'DocSame' });
    const Two = z.object({ n: z.number() }).meta({ id: 'DocSame' });
    expect(() => openApiDocument([both(One, Two)], { info })).toThrow(/DocSame differs/);
    const Given = z.object({ n: z.number().default(1) }).meta({ id: 'DocGiven' });
    expect(() => openApiDocument([both(Given)], { info, schemas: { DocGiven: { type: 'object' } } })).toThrow(
      /DocGiven differs/,
    );
  });
});

describe('component names', () => {
  it('refuses an id OpenAPI cannot take as a component name, where zod would write it out as given', () => {
    const Spaced = z.object({ n: z.number() }).meta({ id: 'Doc Spaced' });
    const Slashed = z.object({ n: z.number() }).meta({ id: 'doc/slashed' });
    expect(() => openApiDocument([both(Spaced)], { info })).toThrow(/Doc Spaced/);
    expect(() => openApiDocument([both(z.object({ s: Slashed }))], { info })).toThrow(/doc\/slashed/);
  });
});
