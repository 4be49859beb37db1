// Shown over the chat pane while files are dragged onto it.
import { createPortal } from 'react-dom';

export function DropOverlay({ pane, title }: { pane: HTMLElement; title: string }) {
  return createPortal(
    <div className="drop-overlay" aria-hidden="true">
      <p className="drop-overlay-text">Drop files to send them to {title}</p>
    </div>,
    pane,
  );
}
