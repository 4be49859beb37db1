// The full-window photo viewer: a modal <dialog> (focus stays inside, the page behind is inert,
// Escape closes) over the chat's loaded photos, with zoom by buttons, keys and the wheel, and
// previous/next. Rendered into <body>, outside the virtualised row that opened it.
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { AttachmentView } from '../../../../electron/api/contract';
import { api } from '../../api';
import { thumbnailUrl, type Box } from './mediaFormat';
import { useChatImages } from './useChatImages';

const MIN_ZOOM = 1;
const MAX_ZOOM = 8;
const ZOOM_STEP = 1.5;

const clampZoom = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

interface Props {
  startId: number;
  onClose: () => void;
}

export function Lightbox({ startId, onClose }: Props) {
  const images = useChatImages();
  const [currentId, setCurrentId] = useState(startId);
  const [zoom, setZoom] = useState(1);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const index = images.findIndex((a) => a.id === currentId);
  const current = images[index];

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    closeRef.current?.focus();
    return () => dialog?.close();
  }, []);

  // The photo left the timeline (deleted, or the chat changed): nothing to show.
  useEffect(() => {
    if (!current) onClose();
  }, [current, onClose]);

  function go(step: number) {
    const next = images[index + step];
    if (!next) return;
    setCurrentId(next.id);
    setZoom(1);
  }

  function onKeyDown(e: KeyboardEvent) {
    // The dialog is portalled, but React still bubbles its keys to the chat behind, whose Escape
    // would close the chat. Nothing behind a modal hears its keys. (Not preventDefault: Escape
    // must still reach the dialog's own cancel.)
    e.stopPropagation();
    const actions: Record<string, () => void> = {
      ArrowLeft: () => go(-1),
      ArrowRight: () => go(1),
      '+': () => setZoom((z) => clampZoom(z * ZOOM_STEP)),
      '=': () => setZoom((z) => clampZoom(z * ZOOM_STEP)),
      '-': () => setZoom((z) => clampZoom(z / ZOOM_STEP)),
      '0': () => setZoom(1),
    };
    const action = actions[e.key];
    if (!action || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    action();
  }

  if (!current) return null;
  return createPortal(
    <dialog
      ref={dialogRef}
      className="lightbox"
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
      onCancel={(e) => {
        // Escape: the parent's state decides, so the dialog and the state never disagree.
        e.preventDefault();
        onClose();
      }}
      // Chromium does not let a second Escape without a click in between be cancelled: the dialog
      // closes by itself then, and the state follows.
      onClose={onClose}
    >
      <div className="lightbox-bar">
        <h2 id={titleId} className="lightbox-title">
          {current.name}
        </h2>
        <span className="lightbox-count">
          {index + 1} of {images.length}
        </span>
        <BarButton label="Previous" onClick={() => go(-1)} off={index <= 0} />
        <BarButton label="Next" onClick={() => go(1)} off={index >= images.length - 1} />
        <BarButton label="Zoom out" onClick={() => setZoom((z) => clampZoom(z / ZOOM_STEP))} off={zoom <= MIN_ZOOM} />
        <output className="lightbox-zoom" aria-label="Zoom">
          {Math.round(zoom * 100)}%
        </output>
        <BarButton label="Zoom in" onClick={() => setZoom((z) => clampZoom(z * ZOOM_STEP))} off={zoom >= MAX_ZOOM} />
        <button ref={closeRef} type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
      <Stage key={current.id} image={current} zoom={zoom} onZoom={setZoom} />
    </dialog>,
    document.body,
  );
}

/**
 * A toolbar button that is switched off with aria-disabled, not disabled: a disabled button drops
 * the focus (to the inert page, where the lightbox's keys no longer arrive) when "Next" reaches
 * the last photo under the user's finger.
 */
function BarButton({ label, onClick, off }: { label: string; onClick: () => void; off: boolean }) {
  return (
    <button type="button" className="button subtle" aria-disabled={off} onClick={off ? undefined : onClick}>
      {label}
    </button>
  );
}

interface StageProps {
  image: AttachmentView;
  zoom: number;
  onZoom: (change: (z: number) => number) => void;
}

/** The photo, fitted to the window at 100 % and scrollable when zoomed past it. */
function Stage({ image, zoom, onZoom }: StageProps) {
  const stageRef = useRef<HTMLDivElement>(null);
  const [room, setRoom] = useState<Box | null>(null);
  const [natural, setNatural] = useState<Box | null>(image.width && image.height ? { width: image.width, height: image.height } : null);
  const src = image.available ? api().mediaUrl(image.id) : thumbnailUrl(image.thumbnail);

  useLayoutEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const measure = () => setRoom({ width: stage.clientWidth, height: stage.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(stage);
    return () => observer.disconnect();
  }, []);

  // React's wheel listener is passive, and zooming must stop the page from scrolling instead.
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      onZoom((z) => clampZoom(z * Math.exp(-e.deltaY * 0.002)));
    };
    stage.addEventListener('wheel', onWheel, { passive: false });
    return () => stage.removeEventListener('wheel', onWheel);
  }, [onZoom]);

  let size: Box | null = null;
  if (room && natural) {
    // Fit the window at 100 %, never blown up past the photo's own pixels.
    const fit = Math.min(1, room.width / natural.width, room.height / natural.height);
    size = { width: Math.round(natural.width * fit * zoom), height: Math.round(natural.height * fit * zoom) };
  }

  return (
    <div ref={stageRef} className="lightbox-stage">
      {src === null ? (
        <p className="media-note">This photo is not downloaded.</p>
      ) : (
        <img
          className="lightbox-image"
          src={src}
          alt={image.name}
          draggable={false}
          style={size ? { width: size.width, height: size.height } : undefined}
          onLoad={(e) => {
            if (!natural) setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight });
          }}
        />
      )}
    </div>
  );
}
