import type { JsonObject } from '@cairn/sdk';
import { type Static, Type } from '@sinclair/typebox';
import { v7 as uuidv7 } from 'uuid';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import { type Resource, ResourceSchema } from '../storage/config-entities.js';
import type { JsonRecord } from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import type { SecretBox } from './secret-box.js';
import { RESOURCE_TYPE_NAMES, RESOURCE_TYPES, type ResourceType } from './types.js';

const AnyObject = Type.Object({}, { additionalProperties: true });
const CredentialSetInput = Type.Object(
  {
    config: AnyObject,
    /** Secret values; on replace, an omitted key keeps its stored value and `null` removes it. */
    secrets: Type.Optional(AnyObject),
  },
  { additionalProperties: false },
);

export const ResourceInputSchema = Type.Object(
  {
    type: Type.Union(RESOURCE_TYPE_NAMES.map((t) => Type.Literal(t))),
    name: Type.String({ minLength: 1, maxLength: 191 }),
    production: CredentialSetInput,
    test: Type.Optional(Type.Union([CredentialSetInput, Type.Null()])),
  },
  { additionalProperties: false },
);
export type ResourceInput = Static<typeof ResourceInputSchema>;

export type CredentialSetName = 'production' | 'test';

/** A resource's values as the host injects them into a capability call. Never sent to a client or a plugin. */
export interface Credentials {
  id: string;
  type: ResourceType;
  config: JsonObject;
  secrets: Record<string, string>;
}

const MASK = '********';

const validators = Object.fromEntries(
  RESOURCE_TYPE_NAMES.map((type) => [
    type,
    { config: validator(RESOURCE_TYPES[type].config), secrets: validator(RESOURCE_TYPES[type].secrets) },
  ]),
) as unknown as Record<
  ResourceType,
  { config: (v: unknown) => JsonRecord; secrets: (v: unknown) => Record<string, string> }
>;

/** Runs a validator and prefixes the field path of its error with where the value sits in the body. */
function checked<T>(check: (value: unknown) => T, value: unknown, at: string): T {
  try {
    return check(value);
  } catch (error) {
    if (error instanceof ApiError) {
      const path = error.path ? `${at}.${error.path}` : at;
      throw new ApiError(422, error.code, error.message.replace(error.path ?? '\u0000', path), path);
    }
    throw error;
  }
}

function mergeSecrets(stored: Record<string, string>, given: JsonRecord | undefined): JsonRecord {
  const merged: JsonRecord = { ...stored };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/**
 * Typed credentials with separate production and test sets. Secrets are sealed at rest with the
 * server's key, masked in every answer, and opened only for the host to inject into a capability.
 */
export class ResourceStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  view(resource: Resource) {
    const set = (config: JsonRecord | null | undefined, sealed: string | null | undefined) =>
      config == null || sealed == null
        ? null
        : {
            config,
            secrets: Object.fromEntries(Object.keys(this.openSecrets(sealed)).map((k) => [k, MASK])),
          };
    return {
      id: resource.id,
      type: resource.type,
      name: resource.name,
      production: set(resource.productionConfig, resource.productionSecrets),
      test: set(resource.testConfig, resource.testSecrets),
      createdAt: resource.createdAt.toISOString(),
      updatedAt: resource.updatedAt.toISOString(),
    };
  }

  private openSecrets(sealed: string): Record<string, string> {
    return JSON.parse(this.box.open(sealed)) as Record<string, string>;
  }

  /** Public settings (no secrets) of the given resources, for the nodes that name them. */
  async publicInfo(ids: readonly string[]): Promise<Record<string, JsonObject & { type: string }>> {
    if (ids.length === 0) return {};
    const found = await this.db.em().find(ResourceSchema, { id: { $in: [...ids] } });
    return Object.fromEntries(
      found.map((r) => [
        r.id,
        { id: r.id, type: r.type, name: r.name, config: r.productionConfig as JsonObject },
      ]),
    );
  }

  async list(): Promise<Resource[]> {
    return this.db.em().find(ResourceSchema, {}, { orderBy: { name: 'asc', id: 'asc' } });
  }

  async get(id: string): Promise<Resource> {
    const resource = await this.db.em().findOne(ResourceSchema, { id });
    if (!resource) throw new ApiError(404, 'not_found', `Resource "${id}" does not exist.`);
    return resource;
  }

  /** Validates one credential set against its type and seals its secrets. */
  private sealSet(
    type: ResourceType,
    input: ResourceInput['production'],
    stored: string | null | undefined,
    at: string,
  ) {
    const check = validators[type];
    const config = checked(check.config, input.config, `${at}.config`);
    const secrets = checked(
      check.secrets,
      mergeSecrets(stored ? this.openSecrets(stored) : {}, input.secrets as JsonRecord | undefined),
      `${at}.secrets`,
    );
    return { config, sealed: this.box.seal(JSON.stringify(secrets)) };
  }

  async create(input: ResourceInput): Promise<Resource> {
    const production = this.sealSet(input.type, input.production, null, 'production');
    const test = input.test ? this.sealSet(input.type, input.test, null, 'test') : null;
    const em = this.db.em();
    const now = new Date();
    const resource = em.create(ResourceSchema, {
      id: uuidv7(),
      type: input.type,
      name: input.name,
      productionConfig: production.config,
      productionSecrets: production.sealed,
      testConfig: test?.config ?? null,
      testSecrets: test?.sealed ?? null,
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    return resource;
  }

  async replace(id: string, input: ResourceInput): Promise<Resource> {
    const em = this.db.em();
    const resource = await em.findOne(ResourceSchema, { id });
    if (!resource) throw new ApiError(404, 'not_found', `Resource "${id}" does not exist.`);
    if (input.type !== resource.type) {
      throw new ApiError(422, 'validation_failed', `type cannot change (it is ${resource.type}).`, 'type');
    }
    const type = resource.type as ResourceType;
    const production = this.sealSet(type, input.production, resource.productionSecrets, 'production');
    const test = input.test ? this.sealSet(type, input.test, resource.testSecrets, 'test') : null;
    em.assign(resource, {
      name: input.name,
      productionConfig: production.config,
      productionSecrets: production.sealed,
      testConfig: test?.config ?? null,
      testSecrets: test?.sealed ?? null,
      updatedAt: new Date(),
    });
    await em.flush();
    return resource;
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.db.em().nativeDelete(ResourceSchema, { id });
    if (deleted === 0) throw new ApiError(404, 'not_found', `Resource "${id}" does not exist.`);
  }

  /** The clear values of one credential set, for the host to inject. A missing test set is an error, never a fallback. */
  async credentials(id: string, set: CredentialSetName): Promise<Credentials> {
    const resource = await this.get(id);
    const config = set === 'production' ? resource.productionConfig : resource.testConfig;
    const sealed = set === 'production' ? resource.productionSecrets : resource.testSecrets;
    if (config == null || sealed == null) {
      throw new ApiError(422, 'no_test_credentials', `Resource "${resource.name}" has no test credentials.`);
    }
    return {
      id: resource.id,
      type: resource.type as ResourceType,
      config: config as JsonObject,
      secrets: this.openSecrets(sealed),
    };
  }
}
