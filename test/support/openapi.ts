import { Validator } from '@seriousme/openapi-schema-validator';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Reading and checking an OpenAPI 3.0 document with tools that share nothing with the server:
 * the OpenAPI meta-schema (@seriousme/openapi-schema-validator) for the document itself, and Ajv
 * for the requests and responses described in it.
 */

type Json = Record<string, any>;

export interface OpenApiDocument {
  openapi: string;
  info: Json;
  servers?: Json[];
  tags?: Array<{ name: string; description?: string }>;
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, Operation>>;
  components?: Json;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: Json }>;
  requestBody?: { required?: boolean; content: Record<string, { schema?: Json }> };
  responses: Record<string, ResponseObject>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, { required?: boolean; schema?: Json; $ref?: string }>;
  content?: Record<string, { schema?: Json }>;
}

export interface DocumentedOperation {
  /** "GET /api/v1/me" */
  key: string;
  method: string;
  path: string;
  operation: Operation;
}

/** The document's $id inside Ajv; schemas are looked up as `${BASE}#/json/pointer`. */
const BASE = 'https://peerdex.invalid/openapi.json';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export function operationsOf(document: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, operation })),
  );
}

/** An operation's own security requirements, or the document's when it states none. */
export function effectiveSecurity(document: OpenApiDocument, operation: Operation): Array<Record<string, string[]>> {
  return operation.security ?? document.security ?? [];
}

/** The security scheme names any of the requirements accepts ("bearer", "api-key"). */
export function acceptedSchemes(document: OpenApiDocument, operation: Operation): string[] {
  return effectiveSecurity(document, operation).flatMap((requirement) => Object.keys(requirement));
}

/**
 * The routes Nest mapped for its controllers, as "GET /api/v1/users/{username}/files". They are
 * read from Express's router, where Nest names each route's handler "<Controller>.<method>" (the
 * router also holds middleware, mounted for every method, and the document viewer's own routes).
 */
export function mappedRoutes(app: NestExpressApplication): string[] {
  type Layer = { name: string; route?: { path: string; methods: Record<string, boolean>; stack: Layer[] } };
  const express = app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  return express.router.stack.flatMap(({ route }) =>
    route && route.stack.some((layer) => /^\w+Controller\.\w+$/.test(layer.name))
      ? Object.keys(route.methods).map((method) => `${method.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
      : [],
  );
}

/** Problems the OpenAPI meta-schema finds in the document (empty when it is valid). */
export async function metaSchemaProblems(document: OpenApiDocument): Promise<string[]> {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document) as Json);
  if (result.valid) return [];
  if (typeof result.errors === 'string') return [result.errors];
  return (result.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

/**
 * Regular-expression features outside the part of ECMA-262 that other languages' validators
 * (Python, Go, Java, .NET) read the same way. OpenAPI 3.0 says a pattern is ECMA-262 without
 * flags; `\p{L}` only means "a letter" with the `u` flag, and elsewhere is not accepted at all.
 */
const UNPORTABLE_PATTERN_FEATURES: Array<[RegExp, string]> = [
  [/\\[pP]\{/, 'Unicode property escape (\\p{…}) needs the u flag'],
  [/\(\?<[=!]/, 'lookbehind'],
  [/\(\?[=!]/, 'lookahead'],
  [/\(\?<\w+>/, 'named group'],
  [/\\[1-9]/, 'backreference'],
];

export function unportablePatterns(document: OpenApiDocument): string[] {
  const problems: string[] = [];
  walk(document, '', (node, at) => {
    if (typeof node.pattern !== 'string' || typeof node.type !== 'string') return;
    for (const [feature, why] of UNPORTABLE_PATTERN_FEATURES) {
      if (feature.test(node.pattern)) problems.push(`${at}: ${why}: ${node.pattern}`);
    }
  });
  return problems;
}

/** Object schemas in response bodies that say none of their properties is required. */
export function responseObjectsWithoutRequired(document: OpenApiDocument): string[] {
  const problems: string[] = [];
  for (const { key, operation } of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) {
        walk(resolve(document, media.schema ?? {}), `${key} ${status} ${type}`, (node, at) => {
          if (node.type === 'object' && node.properties && !(node.required?.length > 0)) problems.push(at);
        }, document);
      }
    }
  }
  return problems;
}

/**
 * OpenAPI 3.0 keeps JSON Schema draft 4's boolean `exclusiveMinimum`/`exclusiveMaximum` (beside
 * `minimum`/`maximum`); Ajv reads draft 7's, where the bound itself is the number.
 */
function toDraft7Bounds(node: Json): void {
  for (const [exclusive, inclusive] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (node[exclusive] === true) {
      node[exclusive] = node[inclusive];
      delete node[inclusive];
    } else if (node[exclusive] === false) {
      delete node[exclusive];
    }
  }
}

/**
 * Validates requests and responses against the document with Ajv. Patterns are compiled as
 * OpenAPI 3.0 says (ECMA-262, no `u` flag), and every object in the document is closed
 * (additionalProperties: false), so a field the server sends but the document does not list fails.
 */
export class DocumentValidator {
  private readonly ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, unicodeRegExp: false, discriminator: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats.default(this.ajv);
    const closed = structuredClone(document) as Json;
    walk(closed, '', (node) => {
      if (node.type === 'object' && node.properties && node.additionalProperties === undefined && !node.allOf) node.additionalProperties = false;
      toDraft7Bounds(node);
    });
    closed.$id = BASE;
    this.ajv.addSchema(closed);
  }

  /** Examples in the document that do not fit the schema beside them. */
  exampleProblems(): string[] {
    const problems: string[] = [];
    const visit = (node: unknown, pointer: string): void => {
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray(node)) return node.forEach((item, index) => visit(item, `${pointer}/${index}`));
      const object = node as Json;
      if ('example' in object && object.schema) problems.push(...this.check(`${BASE}#${pointer}/schema`, object.example, `example at ${pointer}`));
      if ('example' in object && typeof object.type === 'string') problems.push(...this.check(`${BASE}#${pointer}`, object.example, `example at ${pointer}`));
      for (const [key, child] of Object.entries(object)) if (key !== 'example') visit(child, `${pointer}/${escape(key)}`);
    };
    visit(this.document, '');
    return problems;
  }

  /** Problems with a response: its status, its declared headers and its body. */
  responseProblems(documented: DocumentedOperation, status: number, headers: Headers, body: unknown): string[] {
    const listed = documented.operation.responses[String(status)];
    const response = listed && (resolve(this.document, listed) as ResponseObject);
    if (!response) return [`${status} is not documented (documented: ${Object.keys(documented.operation.responses).join(', ')})`];
    const pointer = `${BASE}#/paths/${escape(documented.path)}/${documented.method.toLowerCase()}/responses/${status}`;
    const problems: string[] = [];
    for (const [name, declared] of Object.entries(response.headers ?? {})) {
      const header = resolve(this.document, declared);
      const value = headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`header ${name} is declared required but missing`);
        continue;
      }
      const ref = declared.$ref ? `${BASE}${declared.$ref}/schema` : `${pointer}/headers/${escape(name)}/schema`;
      problems.push(...this.check(ref, coerce(value, resolve(this.document, header.schema ?? {})), `header ${name}`));
    }
    const contentType = headers.get('content-type')?.split(';')[0]?.trim();
    const media = Object.keys(response.content ?? {});
    if (media.length === 0) {
      if (body !== '' && body !== undefined) problems.push(`a body is sent but none is documented: ${JSON.stringify(body).slice(0, 200)}`);
      return problems;
    }
    if (!contentType || !media.includes(contentType)) return [...problems, `content type ${contentType} is not documented (${media.join(', ')})`];
    if (!response.content![contentType]!.schema) return problems;
    return [...problems, ...this.check(`${pointer}/content/${escape(contentType)}/schema`, body, 'body')];
  }

  /** Problems with a request the test expects to succeed: the document must accept it too. */
  requestProblems(documented: DocumentedOperation, request: { params: Record<string, string>; query: Record<string, string>; body: unknown }): string[] {
    const problems: string[] = [];
    const base = `${BASE}#/paths/${escape(documented.path)}/${documented.method.toLowerCase()}`;
    (documented.operation.parameters ?? []).forEach((parameter, index) => {
      const value = parameter.in === 'path' ? request.params[parameter.name] : parameter.in === 'query' ? request.query[parameter.name] : undefined;
      if (value === undefined) {
        if (parameter.required) problems.push(`${parameter.in} parameter ${parameter.name} is required`);
        return;
      }
      if (parameter.schema) problems.push(...this.check(`${base}/parameters/${index}/schema`, coerce(value, resolve(this.document, parameter.schema)), `${parameter.in} parameter ${parameter.name}`));
    });
    const documentedParameters = new Set((documented.operation.parameters ?? []).map((parameter) => `${parameter.in}:${parameter.name}`));
    for (const name of Object.keys(request.query)) {
      if (!documentedParameters.has(`query:${name}`)) problems.push(`query parameter ${name} is not documented`);
    }
    const body = documented.operation.requestBody;
    if (request.body === undefined) {
      if (body?.required) problems.push('a request body is required');
    } else if (!body?.content['application/json']) {
      problems.push('a JSON request body is sent but none is documented');
    } else {
      problems.push(...this.check(`${base}/requestBody/content/application~1json/schema`, request.body, 'request body'));
    }
    return problems;
  }

  private check(ref: string, value: unknown, what: string): string[] {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.getSchema(ref);
      if (!validate) return [`${what}: no schema at ${ref}`];
      this.compiled.set(ref, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${what}${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  }
}

/** A header or parameter arrives as text; a number-typed schema describes it as a number. */
function coerce(value: string, schema: Json): unknown {
  if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** One JSON Pointer segment, as it goes into a URI fragment. */
function escape(segment: string): string {
  return encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'));
}

/** Follows a local $ref ("#/components/…") once. */
function resolve(document: OpenApiDocument, node: Json): Json {
  if (typeof node.$ref !== 'string' || !node.$ref.startsWith('#/')) return node;
  return node.$ref
    .slice(2)
    .split('/')
    .reduce((at: any, part: string) => at?.[part.replaceAll('~1', '/').replaceAll('~0', '~')], document) as Json;
}

/** Visits every object in a JSON value (following local $refs when a document is given). */
function walk(value: unknown, at: string, visit: (node: Json, at: string) => void, document?: OpenApiDocument, seen = new Set<unknown>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${at}/${index}`, visit, document, seen));
    return;
  }
  const node = document ? resolve(document, value as Json) : (value as Json);
  seen.add(node);
  visit(node, at);
  for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`, visit, document, seen);
}
