import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { nulIssues, safeParse } from '#contracts';
import { InvalidInputError } from './errors.js';

/**
 * Request DTOs are classes made from the zod schemas in libs/contracts, so one schema validates a
 * REST body, a socket payload and a CLI argument alike, and documents itself in OpenAPI.
 *
 *   export class RegisterDto extends zodDto(RegisterRequestSchema) {}
 *   register(@Body() body: RegisterDto)
 *
 * (nestjs-zod does the same, but its releases do not support NestJS 12 yet.)
 */
export interface ZodDtoClass<S extends z.ZodType = z.ZodType> {
  new (): z.output<S>;
  readonly schema: S;
}

export function zodDto<S extends z.ZodObject>(schema: S): ZodDtoClass<S> {
  class ZodDto {
    static readonly schema = schema;

    /** Read by @nestjs/swagger to describe the DTO's properties. */
    static _OPENAPI_METADATA_FACTORY(): Record<string, unknown> {
      return openApiProperties(schema);
    }
  }
  return ZodDto as unknown as ZodDtoClass<S>;
}

export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any', override: dropSafeIntegerBounds }) as Record<string, unknown>;
}

/**
 * z.number().int() bounds every integer by ±(2^53 − 1). That tells a client nothing, and
 * documentation viewers show it as the example value (`statusCode: 9007199254740991`).
 */
function dropSafeIntegerBounds({ jsonSchema }: { jsonSchema: { minimum?: number; maximum?: number } }): void {
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER && jsonSchema.maximum === Number.MAX_SAFE_INTEGER) {
    delete jsonSchema.minimum;
    delete jsonSchema.maximum;
  }
}

function openApiProperties(schema: z.ZodObject): Record<string, unknown> {
  const json = toJsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const required = new Set(json.required ?? []);
  const properties: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(json.properties ?? {})) {
    properties[name] =
      property.type === 'array'
        ? { ...property, required: required.has(name), type: 'array', isArray: false }
        : { ...property, required: required.has(name) };
  }
  return properties;
}

function isZodDto(metatype: unknown): metatype is ZodDtoClass {
  return typeof metatype === 'function' && (metatype as Partial<ZodDtoClass>).schema instanceof z.ZodType;
}

/** Parses request input against a schema, throwing a 400 that names each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, kind: 'body' | 'query' | 'param'): z.output<S> {
  if (value === undefined && kind === 'body') {
    // A body whose fields are all optional may be left out (DELETE /admin/files/:sha256).
    const empty = safeParse(schema, {});
    if (empty.ok) return empty.value;
    throw new InvalidInputError([], 'Request body is required: send a JSON object with Content-Type: application/json');
  }
  const result = safeParse(schema, value ?? {});
  if (!result.ok) throw new InvalidInputError(result.issues);
  return result.value;
}

/**
 * Global pipe: validates and converts any parameter whose declared type is a zodDto class. Any
 * other body, query or route parameter (`@Param('username') username: string`) is still refused
 * when it holds a NUL character, as safeParse refuses it in DTOs.
 */
@Injectable()
export class ZodValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    if (isZodDto(metadata.metatype)) return parseInput(metadata.metatype.schema, value, metadata.type);
    const issues = nulIssues(value, metadata.data ? [metadata.data] : []);
    if (issues.length > 0) throw new InvalidInputError(issues);
    return value;
  }
}
