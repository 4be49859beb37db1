/** The only IPC channels between the window and the main process. */
export const CALL_CHANNEL = 'switchboard:call';
export const EVENT_CHANNEL = 'switchboard:event';
