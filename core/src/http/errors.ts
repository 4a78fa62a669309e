import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

export interface ErrorDetail {
  code: string;
  message: string;
  /** Field path in the request, e.g. `events[0].type`. */
  path?: string;
  /** For a flow problem: the node or edge of the graph it concerns. */
  nodeId?: string;
  edgeId?: string;
}

/** An error meant for the client: carries the HTTP status, a stable code and the field at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { error: ErrorDetail & { details?: ErrorDetail[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.path !== undefined ? { path: this.path } : {}),
        ...(this.details && (this.details.length > 1 || this.details.some((d) => d.nodeId || d.edgeId))
          ? { details: this.details }
          : {}),
      },
    };
  }
}

interface BodyParserFailure {
  status?: number;
  type?: string;
  limit?: number;
}

/** Maps body-parser failures to API errors; anything else unknown becomes a logged 500. */
function toApiError(error: unknown, maxBodyBytes?: number): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const failure = error as BodyParserFailure;
  if (failure?.type === 'entity.too.large' || failure?.status === 413) {
    return new ApiError(
      413,
      'payload_too_large',
      maxBodyBytes === undefined
        ? 'The request body is too large.'
        : `The request body is larger than the limit of ${maxBodyBytes} bytes.`,
    );
  }
  if (failure?.type === 'entity.parse.failed' || (failure?.status === 400 && error instanceof SyntaxError)) {
    return new ApiError(
      400,
      'malformed_body',
      `The request body could not be parsed: ${(error as Error).message}`,
    );
  }
  if (
    failure?.status === 415 ||
    failure?.type === 'encoding.unsupported' ||
    failure?.type === 'charset.unsupported'
  ) {
    return new ApiError(415, 'unsupported_media_type', (error as Error).message);
  }
  if (failure?.status === 400 && typeof failure.type === 'string' && failure.type.startsWith('request.')) {
    return new ApiError(400, 'bad_request', (error as Error).message);
  }
  return undefined;
}

/** Outermost middleware: every failure leaves as `{error:{code,message,path?}}`. */
export function errorHandler(logger: Logger, maxBodyBytes?: number) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new ApiError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}.`);
      }
      if (ctx.status === 405 && (ctx.body === undefined || typeof ctx.body === 'string')) {
        throw new ApiError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}.`);
      }
    } catch (error) {
      const apiError = toApiError(error, maxBodyBytes);
      // Headers a handler set for a success (an ETag, a download name) do not belong to the error.
      for (const header of ['etag', 'content-disposition', 'cache-control']) ctx.remove(header);
      if (apiError) {
        ctx.status = apiError.status;
        ctx.body = apiError.toJSON();
        return;
      }
      logger.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = 500;
      ctx.body = {
        error: {
          code: 'internal_error',
          message: 'The server failed to handle this request; it has been logged.',
        },
      };
    }
  };
}
