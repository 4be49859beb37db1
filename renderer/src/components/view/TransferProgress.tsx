// Where a file's bytes are, for every kind: a progressbar with the percentage and "Cancel" while
// it moves, the error and "Retry" when it failed. Nothing while it sits (done, or a received file
// not asked for yet: the kind's own view offers "Download" then).
import type { AttachmentView } from '../../../../electron/api/contract';
import { mediaActions } from '../../state/mediaActions';
import { formatBytes, isMoving, percent } from './mediaFormat';

interface Props {
  attachment: AttachmentView;
  fromMe: boolean;
}

export function TransferProgress({ attachment, fromMe }: Props) {
  const { transfer, name } = attachment;
  // An own file waiting for the outbox is on its way, too: show it at 0 %.
  const queued = transfer.state === 'pending' && fromMe;
  if (isMoving(transfer) || queued) {
    const pct = percent(transfer);
    const verb = transfer.state === 'downloading' ? 'Downloading' : 'Sending';
    return (
      <div className="transfer">
        <div
          className="transfer-bar"
          role="progressbar"
          aria-label={`${verb} ${name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-valuetext={`${pct}% (${formatBytes(transfer.transferred)} of ${formatBytes(transfer.total)})`}
        >
          <div className="transfer-fill" style={{ width: `${pct}%` }} />
        </div>
        <span className="transfer-percent">{pct}%</span>
        <button type="button" className="link-button" onClick={() => void mediaActions.cancel(attachment.id)}>
          Cancel
        </button>
      </div>
    );
  }
  if (transfer.state === 'failed' || (transfer.state === 'cancelled' && fromMe)) {
    return (
      <div className="transfer stopped">
        <span className="transfer-error">{transfer.error ?? (transfer.state === 'cancelled' ? 'Cancelled' : 'Failed')}</span>
        <button type="button" className="link-button" onClick={() => void mediaActions.retry(attachment.id)}>
          Retry
        </button>
      </div>
    );
  }
  return null;
}

/** A received file that is not here (not fetched automatically, or cancelled): fetched on a click. */
export function needsDownload(attachment: AttachmentView, fromMe: boolean): boolean {
  if (attachment.available || fromMe) return false;
  return attachment.transfer.state === 'pending' || attachment.transfer.state === 'cancelled';
}

/** "Download" and the size it will cost (beside the button, so the button's name stays "Download"). */
export function DownloadButton({ attachment }: { attachment: AttachmentView }) {
  return (
    <span className="download">
      <button type="button" className="button" onClick={() => void mediaActions.download(attachment.id)}>
        Download
      </button>
      {attachment.size > 0 && <span className="download-size">{formatBytes(attachment.size)}</span>}
    </span>
  );
}
