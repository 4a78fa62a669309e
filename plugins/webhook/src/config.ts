import { Resource } from '@cairn/sdk';
import {
  Integer,
  Literal,
  Optional,
  Object as TObject,
  Record as TRecord,
  String as TString,
  Union,
  Unknown,
} from '@sinclair/typebox';

/** Header names the host accepts for the signature: letters, digits and dashes. */
export const SIGNATURE_HEADER_PATTERN = '^[A-Za-z0-9-]{1,64}$';

/** The most attempts after the first that the host makes. */
export const MAX_RETRIES = 5;

/** The longest one attempt may take; the host caps it at the same value. */
export const MAX_TIMEOUT_MS = 30_000;

/** The config of `call-webhook`, written once: the editor's form, the server's validation and `ctx.config`. */
export const webhookConfig = TObject({
  method: Union([Literal('GET'), Literal('POST'), Literal('PUT'), Literal('PATCH'), Literal('DELETE')], {
    default: 'POST',
    description: 'HTTP method; a GET request carries no body',
  }),
  url: TString({
    minLength: 1,
    description:
      'Text template of the URL, e.g. https://hooks.example.com/orders/{{event@properties.order_id}}',
  }),
  headers: TRecord(TString(), TString(), {
    default: {},
    description: 'Header name → text template, e.g. { "X-Customer": "{{profile@id}}" }',
  }),
  body: Optional(
    Unknown({
      default: 'payload@',
      description:
        'Object template sent as JSON: strings that are exactly a reference keep the value, strings with {{…}} are rendered as text',
    }),
  ),
  timeoutMs: Integer({
    minimum: 100,
    maximum: MAX_TIMEOUT_MS,
    default: 5000,
    description: 'Time one attempt may take, in ms',
  }),
  retries: Integer({
    minimum: 0,
    maximum: MAX_RETRIES,
    default: 2,
    description: 'Attempts after the first when the endpoint answers 429 or 5xx or cannot be reached',
  }),
  auth: Optional(
    Resource('http-auth', {
      title: 'Credentials',
      description: 'Bearer token, basic auth or API-key header the server adds to the request',
    }),
  ),
  signature: Optional(
    Resource('http-auth', {
      title: 'Signing secret',
      description:
        'Secret the server signs the body with (HMAC-SHA256); the receiver checks it with the same secret',
    }),
  ),
  signatureHeader: TString({
    pattern: SIGNATURE_HEADER_PATTERN,
    default: 'X-Cairn-Signature',
    description: 'Header that carries sha256=<hex HMAC of the body> when a signing secret is chosen',
  }),
});
