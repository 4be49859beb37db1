// "Save as…" in the Electron window: the system dialog proposes the sanitised name in Downloads,
// then the service copies the cached file to the path the user chose. Kept out of main.ts so the
// shell stays a list of wiring.
import { app, dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { Result } from './api/contract';
import { sanitizeFileName } from './service/fileName';
import { ServiceError } from './service/serviceError';
import type { SwitchboardService } from './service/service';

/** "Save as…": the system dialog, proposing the sanitised name in Downloads, then a copy. */
export async function saveAttachment(service: SwitchboardService, window: BrowserWindow | null, attachmentId: unknown): Promise<Result<{ saved: boolean }>> {
  if (typeof attachmentId !== 'number' || !Number.isSafeInteger(attachmentId) || attachmentId <= 0) {
    return { ok: false, error: { code: 'invalid-request', message: 'Invalid saveAttachment request.' } };
  }
  const file = service.media.fileOf(attachmentId);
  if (!file) return { ok: false, error: { code: 'not-found', message: 'That file is not downloaded yet.' } };
  const options = { defaultPath: join(app.getPath('downloads'), sanitizeFileName(file.name)) };
  const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return { ok: true, value: { saved: false } };
  try {
    // The user chose this path (and the dialog asked before replacing a file): copied there as is.
    await service.media.saveAttachmentAs(attachmentId, choice.filePath);
    return { ok: true, value: { saved: true } };
  } catch (err) {
    if (err instanceof ServiceError) return { ok: false, error: { code: err.code, message: err.message } };
    return { ok: false, error: { code: 'internal', message: `Could not save the file (${err instanceof Error ? err.message : String(err)}).` } };
  }
}
