// A photo in the timeline: the sender's small preview at once, the full image when its bytes are
// here, in a box sized from the metadata so the row never changes height. A click opens the lightbox.
import { useEffect, useRef, useState } from 'react';
import type { AttachmentView } from '../../../../electron/api/contract';
import { api } from '../../api';
import { Lightbox } from './Lightbox';
import { fitBox, thumbnailUrl } from './mediaFormat';
import { DownloadButton, needsDownload, TransferProgress } from './TransferProgress';

interface Props {
  attachment: AttachmentView;
  fromMe: boolean;
}

export function ImageAttachment({ attachment, fromMe }: Props) {
  const opener = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [broken, setBroken] = useState(false);
  const box = fitBox(attachment.width, attachment.height);
  const thumb = thumbnailUrl(attachment.thumbnail);
  const full = attachment.available && !broken ? api().mediaUrl(attachment.id) : null;

  // When the lightbox has gone (its <dialog> closed, the page no longer inert), focus returns to
  // the photo that opened it. An effect, since the page is inert until the dialog unmounts.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !open) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);

  return (
    <div className="media media-image">
      <button
        ref={opener}
        type="button"
        className="media-frame"
        style={{ width: box.width, height: box.height }}
        aria-label={`Open photo ${attachment.name}`}
        disabled={full === null && thumb === null}
        onClick={() => setOpen(true)}
      >
        {thumb !== null && !loaded && <img className="media-thumb" src={thumb} alt="" draggable={false} />}
        {full !== null && (
          <img
            className="media-full"
            data-loaded={loaded}
            src={full}
            alt={attachment.name}
            draggable={false}
            onLoad={() => setLoaded(true)}
            onError={() => setBroken(true)}
          />
        )}
      </button>
      {broken && <p className="media-note">This image could not be shown.</p>}
      {needsDownload(attachment, fromMe) && <DownloadButton attachment={attachment} />}
      <TransferProgress attachment={attachment} fromMe={fromMe} />
      {open && <Lightbox startId={attachment.id} onClose={() => setOpen(false)} />}
    </div>
  );
}
