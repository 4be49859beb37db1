// A voice message: play/pause, the waveform as a seek slider, speed 1×/1.5×/2×, elapsed/total, and
// for a received one the unplayed dot until the user first plays it (then markPlayed tells the
// core). The audio loads only when the bytes are here, and plays only on the user's click.
import { useEffect, useRef, useState } from 'react';
import type { AttachmentView } from '../../../../electron/api/contract';
import { api } from '../../api';
import { actions } from '../../state/app';
import { mediaActions } from '../../state/mediaActions';
import { formatDuration } from './mediaFormat';
import { DownloadButton, needsDownload, TransferProgress } from './TransferProgress';
import { Waveform } from './Waveform';

const SPEEDS = [1, 1.5, 2] as const;

/** One voice message plays at a time: starting another pauses this one. */
let playingNow: HTMLAudioElement | null = null;

interface Props {
  attachment: AttachmentView;
  fromMe: boolean;
}

export function VoicePlayer({ attachment, fromMe }: Props) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [mediaDuration, setMediaDuration] = useState<number | null>(null);
  const [speed, setSpeed] = useState(0);
  const src = attachment.available ? api().mediaUrl(attachment.id) : null;
  // The sender's duration first: a recorder's WebM often says "Infinity" until played through.
  const total = attachment.durationMs ? attachment.durationMs / 1000 : (mediaDuration ?? 0);
  const rate = SPEEDS[speed] ?? 1;

  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    // Both: a new load resets playbackRate to the default.
    audio.defaultPlaybackRate = rate;
    audio.playbackRate = rate;
  }, [rate, src]);

  // A row scrolled out of the virtualised timeline unmounts: its audio must not play on unseen.
  useEffect(() => {
    const audio = audioRef.current;
    return () => {
      audio?.pause();
      if (playingNow === audio) playingNow = null;
    };
  }, [src]);

  async function toggle() {
    const audio = audioRef.current;
    if (!audio) return;
    if (!audio.paused) {
      audio.pause();
      return;
    }
    if (playingNow && playingNow !== audio) playingNow.pause();
    playingNow = audio;
    try {
      await audio.play();
    } catch (err) {
      // A pause before playback began is the user's own doing, not a failure.
      if (err instanceof DOMException && err.name === 'AbortError') return;
      actions.reportError(`This voice message could not be played (${String(err)}).`);
      return;
    }
    if (!fromMe && !attachment.played) void mediaActions.markPlayed(attachment.messageId, attachment.id);
  }

  function seek(seconds: number) {
    const audio = audioRef.current;
    if (!audio || total <= 0) return;
    const to = Math.min(total, Math.max(0, seconds));
    audio.currentTime = to;
    setPosition(to);
  }

  const unplayed = !fromMe && !attachment.played;
  return (
    <div className="media voice" data-played={attachment.played ? 'true' : 'false'}>
      <div className="voice-controls">
        <button type="button" className="voice-play" aria-label={playing ? 'Pause' : 'Play'} disabled={src === null} onClick={() => void toggle()}>
          <PlayIcon playing={playing} />
        </button>
        <Waveform samples={attachment.waveform} position={position} total={total} disabled={src === null} onSeek={seek} />
        <span className="voice-time">
          {/* The total rounded, not cut: 1.9 s of speech reads as 0:02. */}
          {formatDuration(position * 1000)} / {formatDuration(Math.round(total) * 1000)}
        </span>
        <button type="button" className="voice-speed" aria-label={`Playback speed ${rate}×`} onClick={() => setSpeed((s) => (s + 1) % SPEEDS.length)}>
          {rate}×
        </button>
        {unplayed && (
          <span className="voice-unplayed">
            <span className="voice-unplayed-dot" aria-hidden="true" />
            <span className="visually-hidden">Not played yet</span>
          </span>
        )}
      </div>
      {src !== null && (
        <audio
          ref={audioRef}
          src={src}
          preload="metadata"
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={(e) => {
            setPlaying(false);
            e.currentTarget.currentTime = 0;
            setPosition(0);
          }}
          onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime)}
          onDurationChange={(e) => {
            const d = e.currentTarget.duration;
            if (Number.isFinite(d) && d > 0) setMediaDuration(d);
          }}
        />
      )}
      {needsDownload(attachment, fromMe) && <DownloadButton attachment={attachment} />}
      <TransferProgress attachment={attachment} fromMe={fromMe} />
    </div>
  );
}

function PlayIcon({ playing }: { playing: boolean }) {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor">
      {playing ? <path d="M4 3h3v10H4zM9 3h3v10H9z" /> : <path d="M5 3l8 5-8 5z" />}
    </svg>
  );
}
