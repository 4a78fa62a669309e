import type { JsonSchema } from '../api/types';

/** The settings of each resource type (docs/connectors.md): public config and write-only secrets. */
export const RESOURCE_TYPES: Record<string, { label: string; config: JsonSchema; secrets: JsonSchema }> = {
  smtp: {
    label: 'SMTP server',
    config: {
      type: 'object',
      required: ['host', 'port'],
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 587 },
        secure: {
          type: 'boolean',
          description: 'TLS from the start (port 465); otherwise STARTTLS when offered',
        },
        username: { type: 'string' },
        from: { type: 'string', description: 'Default sender address' },
      },
    },
    secrets: { type: 'object', properties: { password: { type: 'string', format: 'password' } } },
  },
  twilio: {
    label: 'Twilio (or compatible) account',
    config: {
      type: 'object',
      required: ['accountSid'],
      properties: {
        accountSid: { type: 'string', minLength: 1, title: 'Account SID' },
        from: { type: 'string', description: 'Default sender number or messaging service' },
        baseUrl: {
          type: 'string',
          description: 'For Twilio-compatible providers; default https://api.twilio.com',
        },
      },
    },
    secrets: { type: 'object', properties: { authToken: { type: 'string', format: 'password' } } },
  },
  'http-auth': {
    label: 'HTTP credentials',
    config: {
      type: 'object',
      required: ['scheme'],
      properties: {
        scheme: { enum: ['bearer', 'basic', 'header'], default: 'bearer' },
        username: { type: 'string', description: 'For basic auth' },
        header: { type: 'string', description: 'Header name for the header scheme, e.g. X-Api-Key' },
        testUrl: {
          type: 'string',
          description: 'A URL that answers 2xx with these credentials, for the connection test',
        },
      },
    },
    secrets: {
      type: 'object',
      properties: {
        value: {
          type: 'string',
          format: 'password',
          description: 'Token, password or header value; also a signing key',
        },
      },
    },
  },
  'ai-provider': {
    label: 'AI provider (OpenAI-compatible)',
    config: {
      type: 'object',
      required: ['baseUrl', 'model'],
      properties: {
        baseUrl: { type: 'string', minLength: 1, description: 'e.g. https://api.openai.com/v1' },
        model: { type: 'string', minLength: 1 },
      },
    },
    secrets: { type: 'object', properties: { apiKey: { type: 'string', format: 'password' } } },
  },
};

/** One schema for the resource form: name, type, and the chosen type's production and test sets. */
export function resourceFormSchema(type: string, masked: Record<string, boolean>): JsonSchema {
  const spec = RESOURCE_TYPES[type] ?? RESOURCE_TYPES.smtp!;
  const secrets = (set: string): JsonSchema => ({
    ...spec.secrets,
    properties: Object.fromEntries(
      Object.entries(spec.secrets.properties ?? {}).map(([k, v]) => [
        k,
        { ...v, ...(masked[`${set}.${k}`] ? { 'x-placeholder': '******** (stored; type to replace)' } : {}) },
      ]),
    ),
  });
  const set = (name: string): JsonSchema => ({
    type: 'object',
    properties: { config: spec.config, secrets: secrets(name) },
  });
  return {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 191 },
      production: set('production'),
      test: set('test'),
    },
  };
}

export function resourceFormFields(type: string, withTest: boolean) {
  const spec = RESOURCE_TYPES[type] ?? RESOURCE_TYPES.smtp!;
  const fieldsOf = (set: string) => [
    ...Object.keys(spec.config.properties ?? {}).map(
      (k) =>
        [`${set}.config.${k}`, { label: `${set === 'test' ? 'Test ' : ''}${k}` }] as [
          string,
          { label: string },
        ],
    ),
    ...Object.keys(spec.secrets.properties ?? {}).map(
      (k) =>
        [`${set}.secrets.${k}`, { label: `${set === 'test' ? 'Test ' : ''}${k} (secret)` }] as [
          string,
          { label: string },
        ],
    ),
  ];
  return ['name', ...fieldsOf('production'), ...(withTest ? fieldsOf('test') : [])];
}
