/**
 * Base of mdevsim's typed errors that are not errno-shaped (scenario documents, streams, policy
 * modules). `code` is a closed, machine-readable string per subclass; the message is for people.
 */
export class MdevsimError extends Error {
  override readonly name: string = 'MdevsimError';
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isMdevsimError(value: unknown): value is MdevsimError {
  return value instanceof MdevsimError;
}
