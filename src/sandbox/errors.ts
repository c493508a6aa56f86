// The one error type of the sandbox node: an HTTP status plus the body `{error: {code, message, fields?, current?}}`.
import type { ErrorBody, ErrorCode, SyncRule } from '../shared/api';
import type { FieldErrors } from '../shared/validation';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    readonly current?: SyncRule,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
        ...(this.current ? { current: this.current } : {}),
      },
    };
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
