// A video: the sender's poster frame in a box sized from the metadata; once the bytes are here a
// native <video controls> that loads nothing until the user presses play (preload="none").
// Videos are fetched only on a click ("Download").
import type { AttachmentView } from '../../../../electron/api/contract';
import { api } from '../../api';
import { fitBox, formatDuration, thumbnailUrl } from './mediaFormat';
import { DownloadButton, needsDownload, TransferProgress } from './TransferProgress';

interface Props {
  attachment: AttachmentView;
  fromMe: boolean;
}

export function VideoAttachment({ attachment, fromMe }: Props) {
  const box = fitBox(attachment.width, attachment.height);
  const poster = thumbnailUrl(attachment.thumbnail);
  return (
    <div className="media media-video">
      <div className="media-frame" style={{ width: box.width, height: box.height }}>
        {attachment.available ? (
          <video
            className="media-full"
            controls
            preload="none"
            poster={poster ?? undefined}
            src={api().mediaUrl(attachment.id)}
            aria-label={`Video ${attachment.name}`}
          />
        ) : poster !== null ? (
          <img className="media-poster" src={poster} alt={`Video ${attachment.name}`} draggable={false} />
        ) : (
          <span className="media-placeholder">Video</span>
        )}
        {!attachment.available && attachment.durationMs !== null && (
          <span className="media-badge">{formatDuration(attachment.durationMs)}</span>
        )}
      </div>
      {needsDownload(attachment, fromMe) && <DownloadButton attachment={attachment} />}
      <TransferProgress attachment={attachment} fromMe={fromMe} />
    </div>
  );
}
