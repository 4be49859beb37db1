// Any other file: its name, size and type as text, "Save" (through the bridge: Electron's save
// dialog, the browser's download) under a sanitised name chosen by the core, and "Open" — in
// Electron with the system's app, in the browser in a new tab for what a tab shows safely.
// Nothing received is opened by the app on its own: "Open" acts on a click, and one on a file not
// fetched yet only fetches it. A file that could run is refused; the card says so and why.
import { useState } from 'react';
import type { AttachmentView } from '../../../../electron/api/contract';
import { findApi } from '../../api';
import { showsInTab } from '../../bridge/browserBridge';
import { mediaActions } from '../../state/mediaActions';
import { fileTypeLabel, formatBytes, isMoving } from './mediaFormat';
import { TransferProgress } from './TransferProgress';

interface Props {
  attachment: AttachmentView;
  fromMe: boolean;
}

/**
 * Whether to offer "Open": Electron can hand any file to the system (and refuses what could run,
 * saying so); the browser only shows in a tab what the host serves as itself.
 */
export function offersOpen(platform: 'electron' | 'browser' | undefined, mime: string): boolean {
  return platform === 'electron' || (platform === 'browser' && showsInTab(mime));
}

/** What the card says after "Open", while the file is as it was then (here, or not yet). */
interface Notice {
  text: string;
  available: boolean;
}

export function FileCard({ attachment, fromMe }: Props) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const open = () => {
    setNotice(null);
    const available = attachment.available;
    void mediaActions.open(attachment).then((text) => setNotice(text === null ? null : { text, available }));
  };
  return (
    <FileCardView
      attachment={attachment}
      fromMe={fromMe}
      canOpen={offersOpen(findApi()?.platform, attachment.mime)}
      // "Downloading, click again" goes when the file arrives; a refusal stays.
      notice={notice?.available === attachment.available ? notice.text : null}
      onSave={() => void mediaActions.save(attachment)}
      onOpen={open}
    />
  );
}

interface ViewProps extends Props {
  canOpen: boolean;
  notice: string | null;
  onSave: () => void;
  onOpen: () => void;
}

export function FileCardView({ attachment, fromMe, canOpen, notice, onSave, onOpen }: ViewProps) {
  const type = fileTypeLabel(attachment);
  const waiting = !attachment.available && isMoving(attachment.transfer);
  return (
    <div className="media file-card">
      <div className="file-card-main">
        <span className="file-card-icon" aria-hidden="true">
          {type.slice(0, 4)}
        </span>
        <div className="file-card-text">
          <span className="file-card-name" title={attachment.name}>
            {attachment.name}
          </span>
          <span className="file-card-meta">
            {formatBytes(attachment.size)} · {type}
          </span>
        </div>
        <button type="button" className="button" disabled={waiting} onClick={onSave}>
          Save
        </button>
        {canOpen && (
          <button type="button" className="button" disabled={waiting} onClick={onOpen}>
            Open
          </button>
        )}
      </div>
      {notice !== null && (
        <p className="file-card-notice" role="alert">
          {notice}
        </p>
      )}
      <TransferProgress attachment={attachment} fromMe={fromMe} />
    </div>
  );
}
