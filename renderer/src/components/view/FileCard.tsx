// Any other file: its name, size and type as text, and "Save" (through the bridge: Electron's save
// dialog, the browser's download), under a sanitised name chosen by the core. Nothing received is
// opened by the app; "Save" on a file not fetched yet fetches it first, then saves it.
import type { AttachmentView } from '../../../../electron/api/contract';
import { mediaActions } from '../../state/mediaActions';
import { fileTypeLabel, formatBytes, isMoving } from './mediaFormat';
import { TransferProgress } from './TransferProgress';

interface Props {
  attachment: AttachmentView;
  fromMe: boolean;
}

export function FileCard({ attachment, fromMe }: Props) {
  const type = fileTypeLabel(attachment);
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
        <button
          type="button"
          className="button"
          disabled={!attachment.available && isMoving(attachment.transfer)}
          onClick={() => void mediaActions.save(attachment)}
        >
          Save
        </button>
      </div>
      <TransferProgress attachment={attachment} fromMe={fromMe} />
    </div>
  );
}
