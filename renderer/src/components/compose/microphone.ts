// What to tell the user when the microphone cannot be opened, by the DOMException's name.

export function microphoneError(name: string, message: string): string {
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'Switchboard may not use the microphone. Allow microphone access for Switchboard in your browser or system settings, then try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return 'No microphone was found. Connect one and try again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone could not be opened: another app may be using it.';
    default:
      return message.trim() === '' ? 'The microphone could not be opened.' : `The microphone could not be opened: ${message}`;
  }
}

/** The same for anything getUserMedia or MediaRecorder threw. */
export function microphoneErrorOf(err: unknown): string {
  if (err instanceof Error) return microphoneError(err.name, err.message);
  return microphoneError('', String(err));
}
