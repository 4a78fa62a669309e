import { type Static, Type } from '@sinclair/typebox';

/** A publisher name is also the scope it owns: `acme` publishes `@acme/…`. */
export const PublisherName = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{1,38}$',
  description: 'Lower-case letters, digits and hyphens, 2–39 characters, not starting with a hyphen.',
  examples: ['acme'],
});

const Password = Type.String({ minLength: 10, maxLength: 256, description: 'At least 10 characters.' });
const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const PublisherInputSchema = Type.Object(
  {
    name: PublisherName,
    email: Type.String({ format: 'email', maxLength: 191 }),
    password: Password,
  },
  { additionalProperties: false },
);
export type PublisherInput = Static<typeof PublisherInputSchema>;

export const LoginInputSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 191, description: 'The publisher name…' })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 191, description: '…or its e-mail.' })),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false, description: 'Either `name` or `email`, and the password.' },
);
export type LoginInput = Static<typeof LoginInputSchema>;

export const TokenInputSchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 191, description: 'What the token is for, e.g. `ci`.' }) },
  { additionalProperties: false },
);

export const KeyInputSchema = Type.Object(
  {
    publicKey: Type.String({
      pattern: '^[A-Za-z0-9_-]{43}$',
      description: 'The raw 32-byte ed25519 public key, base64url without padding.',
    }),
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 191, description: 'A label, e.g. `laptop`.' }),
    ),
  },
  { additionalProperties: false },
);
export type KeyInput = Static<typeof KeyInputSchema>;

export const PublisherAccountSchema = Type.Object({
  name: Type.String(),
  email: Type.String(),
  createdAt: Timestamp,
});
export type PublisherAccount = Static<typeof PublisherAccountSchema>;

export const LoginAnswerSchema = Type.Object({
  token: Type.String({ description: 'A bearer token; send it as `Authorization: Bearer <token>`.' }),
  expiresAt: Timestamp,
  publisher: PublisherAccountSchema,
});

export const TokenViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('api'), Type.Literal('login')]),
  prefix: Type.String({ description: "The token's first characters, to recognise it." }),
  createdAt: Timestamp,
  expiresAt: NullableTimestamp,
  lastUsedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});
export type TokenView = Static<typeof TokenViewSchema>;

export const TokenCreatedSchema = Type.Composite([
  TokenViewSchema,
  Type.Object({ token: Type.String({ description: 'The secret, shown this once only.' }) }),
]);

export const TokenListSchema = Type.Object({ items: Type.Array(TokenViewSchema) });

export const KeyViewSchema = Type.Object({
  keyId: Type.String({ description: 'First 16 hex digits of the SHA-256 of the raw key.' }),
  publicKey: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  revokedAt: NullableTimestamp,
});
export type KeyView = Static<typeof KeyViewSchema>;

export const KeyListSchema = Type.Object({ items: Type.Array(KeyViewSchema) });

export const PublisherProfileSchema = Type.Object({
  name: Type.String(),
  createdAt: Timestamp,
  keys: Type.Array(KeyViewSchema, { description: 'The keys that may sign new versions.' }),
  packages: Type.Array(Type.String(), { description: 'Names of the packages the publisher owns.' }),
});
export type PublisherProfile = Static<typeof PublisherProfileSchema>;
