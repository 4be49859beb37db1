// A voice message's loudness as bars that double as its seek slider: click or drag to jump, arrow
// keys step a second, Page keys ten, Home/End the ends. The part already heard is drawn solid.
import type { KeyboardEvent, PointerEvent } from 'react';
import { formatDuration } from './mediaFormat';

/** Bars drawn when the sender sent no waveform: a flat line, still a slider. */
const FLAT = Array.from({ length: 48 }, () => 40);

interface Props {
  samples: number[] | null;
  /** Seconds. */
  position: number;
  total: number;
  disabled: boolean;
  onSeek: (seconds: number) => void;
}

export function Waveform({ samples, position, total, disabled, onSeek }: Props) {
  const bars = samples && samples.length > 0 ? samples : FLAT;
  const progress = total > 0 ? Math.min(1, position / total) : 0;

  function seekTo(e: PointerEvent<HTMLDivElement>) {
    if (disabled || total <= 0) return;
    const rect = e.currentTarget.getBoundingClientRect();
    onSeek(((e.clientX - rect.left) / rect.width) * total);
  }

  function onKeyDown(e: KeyboardEvent) {
    const steps: Record<string, number> = {
      ArrowRight: position + 1,
      ArrowUp: position + 1,
      ArrowLeft: position - 1,
      ArrowDown: position - 1,
      PageUp: position + 10,
      PageDown: position - 10,
      Home: 0,
      End: total,
    };
    const to = steps[e.key];
    if (to === undefined || disabled) return;
    e.preventDefault();
    onSeek(to);
  }

  return (
    <div
      className="waveform"
      role="slider"
      aria-label="Seek"
      aria-valuemin={0}
      aria-valuemax={Math.round(total)}
      aria-valuenow={Math.round(position)}
      aria-valuetext={`${formatDuration(position * 1000)} of ${formatDuration(total * 1000)}`}
      aria-disabled={disabled}
      tabIndex={disabled ? -1 : 0}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        seekTo(e);
      }}
      onPointerMove={(e) => {
        if (e.currentTarget.hasPointerCapture(e.pointerId)) seekTo(e);
      }}
    >
      {bars.map((value, i) => (
        <span
          key={i}
          className={`waveform-bar${(i + 0.5) / bars.length <= progress ? ' heard' : ''}`}
          // Quiet samples still show a sliver, so silence reads as part of the message.
          style={{ height: `${Math.max(8, Math.round((value / 255) * 100))}%` }}
        />
      ))}
    </div>
  );
}
