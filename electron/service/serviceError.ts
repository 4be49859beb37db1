import type { ErrorCode } from '../api/contract';

/** A failure the UI can show as is: the message says what happened and what to try. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
