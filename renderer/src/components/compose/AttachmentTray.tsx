// The files about to be sent, above the message field: a preview (thumbnail or icon), the name and
// size as text, a remove button each, and "Cancel" for all. The message field's text is their caption.
import { formatDuration, formatSize, kindLabel } from '../../media/format';
import { KindIcon } from './ComposeIcons';
import type { TrayItem } from './useAttachmentTray';

interface Props {
  items: readonly TrayItem[];
  sending: boolean;
  onRemove: (id: number) => void;
  onCancelAll: () => void;
}

export function AttachmentTray({ items, sending, onRemove, onCancelAll }: Props) {
  if (items.length === 0) return null;
  return (
    <section className="attachment-tray" aria-label="Attachments">
      <ul className="attachment-list">
        {items.map((item) => (
          <TrayEntry key={item.id} item={item} disabled={sending} onRemove={() => onRemove(item.id)} />
        ))}
      </ul>
      <button type="button" className="button subtle attachment-cancel" onClick={onCancelAll} disabled={sending}>
        Cancel
      </button>
    </section>
  );
}

function statusText(item: TrayItem): string {
  if (item.status === 'preparing' || item.status === 'staging') return 'Preparing…';
  if (item.status === 'staged') return 'Sending…';
  const duration = item.prepared?.durationMs;
  const kind = kindLabel(item.kind);
  const parts = [kind.charAt(0).toUpperCase() + kind.slice(1), formatSize(item.size)];
  if (duration !== undefined && (item.kind === 'voice' || item.kind === 'video')) parts.push(formatDuration(duration));
  return parts.join(' · ');
}

function TrayEntry({ item, disabled, onRemove }: { item: TrayItem; disabled: boolean; onRemove: () => void }) {
  const thumbnail = item.prepared?.thumbnail;
  const waveform = item.prepared?.waveform;
  const busy = item.status !== 'ready';
  return (
    <li className={`attachment-entry ${item.status}`} aria-busy={busy}>
      <span className="attachment-preview" aria-hidden="true">
        {/* Our own JPEG, as a data: URL (the CSP allows img-src data:); never the picked file's bytes. */}
        {thumbnail ? <img src={`data:image/jpeg;base64,${thumbnail}`} alt="" /> : waveform ? <Waveform peaks={waveform} /> : <KindIcon kind={item.kind} />}
      </span>
      <span className="attachment-text">
        <span className="attachment-name" title={item.name}>
          {item.name}
        </span>
        <span className="attachment-meta">{statusText(item)}</span>
        {item.prepared?.note && <span className="attachment-note">{item.prepared.note}</span>}
      </span>
      <button type="button" className="icon-button dismiss attachment-remove" aria-label={`Remove ${item.name}`} onClick={onRemove} disabled={disabled} />
    </li>
  );
}

/** A voice recording's peaks as bars (decorative; the text says it is a voice message). */
function Waveform({ peaks }: { peaks: readonly number[] }) {
  // Every other peak: 32 bars fit the preview square.
  const bars = peaks.filter((_, i) => i % 2 === 0);
  return (
    <span className="attachment-waveform">
      {bars.map((p, i) => (
        // CSSOM style set by React, not a style attribute in markup, so the strict CSP allows it.
        <span key={i} style={{ height: `${Math.max(8, Math.round((p / 255) * 100))}%` }} />
      ))}
    </span>
  );
}
