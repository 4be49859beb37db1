/** The only IPC channels between the window and the main process, and the media scheme's name. */
export const CALL_CHANNEL = 'switchboard:call';
export const EVENT_CHANNEL = 'switchboard:event';
/** "Save as…" of an attachment: main asks where with the system dialog, then copies. */
export const SAVE_ATTACHMENT_CHANNEL = 'switchboard:saveAttachment';
/** "Open" of an attachment, on a click: main copies it to a private temp folder and opens that. */
export const OPEN_ATTACHMENT_CHANNEL = 'switchboard:openAttachment';
/** Electron's privileged scheme for media (electron/mediaScheme.ts): sbmedia://app/media/… */
export const MEDIA_SCHEME = 'sbmedia';
export const MEDIA_ORIGIN = `${MEDIA_SCHEME}://app`;
