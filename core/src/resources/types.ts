import { type TObject, Type } from '@sinclair/typebox';

const Text = (maxLength = 255) => Type.String({ minLength: 1, maxLength });
const Url = Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://[^\\s]+$' });

/** Config (stored in clear, returned by the API) and secrets (sealed, never returned) of each resource type. */
export const RESOURCE_TYPES = {
  smtp: {
    config: Type.Object(
      {
        host: Text(),
        port: Type.Integer({ minimum: 1, maximum: 65535 }),
        /** TLS from the start (port 465); otherwise STARTTLS is used when the server offers it. */
        secure: Type.Optional(Type.Boolean()),
        username: Type.Optional(Text()),
        from: Type.Optional(Text()),
      },
      { additionalProperties: false },
    ),
    secrets: Type.Object({ password: Type.Optional(Text(1024)) }, { additionalProperties: false }),
  },
  twilio: {
    config: Type.Object(
      {
        accountSid: Text(64),
        from: Type.Optional(Text(64)),
        /** For Twilio-compatible providers; default https://api.twilio.com. */
        baseUrl: Type.Optional(Url),
      },
      { additionalProperties: false },
    ),
    secrets: Type.Object({ authToken: Text(1024) }, { additionalProperties: false }),
  },
  'http-auth': {
    config: Type.Object(
      {
        scheme: Type.Union([Type.Literal('bearer'), Type.Literal('basic'), Type.Literal('header')]),
        /** Basic auth user name. */
        username: Type.Optional(Text()),
        /** Header name for the `header` scheme, e.g. `X-Api-Key`. */
        header: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9-]+$' })),
        /** A URL the "test connection" action calls with the credential. */
        testUrl: Type.Optional(Url),
      },
      { additionalProperties: false },
    ),
    /** The bearer token, basic auth password or header value; HMAC signing secrets too. */
    secrets: Type.Object({ value: Text(4096) }, { additionalProperties: false }),
  },
  'ai-provider': {
    config: Type.Object(
      {
        /** An OpenAI-compatible API, e.g. https://api.example.com/v1. */
        baseUrl: Url,
        model: Text(),
      },
      { additionalProperties: false },
    ),
    secrets: Type.Object({ apiKey: Type.Optional(Text(4096)) }, { additionalProperties: false }),
  },
} satisfies Record<string, { config: TObject; secrets: TObject }>;

export type ResourceType = keyof typeof RESOURCE_TYPES;
export const RESOURCE_TYPE_NAMES = Object.keys(RESOURCE_TYPES) as ResourceType[];
