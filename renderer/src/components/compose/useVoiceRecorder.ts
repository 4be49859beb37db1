// Recording a voice message: the microphone through MediaRecorder (Opus in WebM where the browser
// has it, else its default), ended by stop (kept) or cancel (discarded). A kept recording is
// decoded once for its exact duration and 64-peak waveform, then handed to `onRecorded`.
import { useCallback, useEffect, useRef, useState } from 'react';
import { prepareRecording } from '../../media/prepare';
import type { PreparedAttachment } from '../../media/types';
import { microphoneErrorOf } from './microphone';

export type RecordMode = 'click' | 'hold';

export type RecorderPhase =
  | { kind: 'idle' }
  /** Waiting for the microphone (the permission prompt may be up). */
  | { kind: 'starting'; mode: RecordMode }
  | { kind: 'recording'; mode: RecordMode; startedAt: number }
  /** Stopped; decoding the waveform and handing the recording on. */
  | { kind: 'finishing' };

const OPUS = 'audio/webm;codecs=opus';
/** Shorter than this is a slip of the finger, not a message. */
const MIN_RECORDING_MS = 500;

interface Session {
  mode: RecordMode;
  stream: MediaStream | null;
  recorder: MediaRecorder | null;
  chunks: Blob[];
  startedAt: number;
  /** How it ends, once asked: kept (stop) or discarded (cancel). */
  end: 'keep' | 'discard' | null;
}

export interface VoiceRecorder {
  phase: RecorderPhase;
  start(mode: RecordMode): void;
  stop(): void;
  cancel(): void;
}

export function useVoiceRecorder(
  onRecorded: (item: PreparedAttachment, mode: RecordMode) => Promise<void> | void,
  onError: (message: string) => void,
): VoiceRecorder {
  const [phase, setPhase] = useState<RecorderPhase>({ kind: 'idle' });
  const session = useRef<Session | null>(null);
  const mounted = useRef(true);
  // The latest callbacks, for a recording that started under older ones.
  const callbacks = useRef({ onRecorded, onError });
  useEffect(() => {
    callbacks.current = { onRecorded, onError };
  });

  const setIfMounted = useCallback((next: RecorderPhase) => {
    if (mounted.current) setPhase(next);
  }, []);

  const release = useCallback((s: Session) => {
    s.stream?.getTracks().forEach((t) => t.stop());
    if (session.current === s) session.current = null;
  }, []);

  const finish = useCallback(
    async (s: Session) => {
      const elapsed = performance.now() - s.startedAt;
      release(s);
      if (s.end !== 'keep' || !mounted.current) {
        setIfMounted({ kind: 'idle' });
        return;
      }
      if (elapsed < MIN_RECORDING_MS) {
        setIfMounted({ kind: 'idle' });
        callbacks.current.onError('That recording was too short to send. Hold the button a little longer, or click it to start and stop.');
        return;
      }
      setIfMounted({ kind: 'finishing' });
      try {
        const blob = new Blob(s.chunks, { type: s.recorder?.mimeType || 'audio/webm' });
        const item = await prepareRecording(blob, elapsed);
        if (mounted.current) await callbacks.current.onRecorded(item, s.mode);
      } catch (err) {
        callbacks.current.onError(`The recording could not be kept: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        setIfMounted({ kind: 'idle' });
      }
    },
    [release, setIfMounted],
  );

  const start = useCallback(
    (mode: RecordMode) => {
      if (session.current) return;
      const s: Session = { mode, stream: null, recorder: null, chunks: [], startedAt: 0, end: null };
      session.current = s;
      setPhase({ kind: 'starting', mode });
      void (async () => {
        if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
          release(s);
          setIfMounted({ kind: 'idle' });
          callbacks.current.onError('This window cannot record audio.');
          return;
        }
        try {
          s.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
          // Cancelled (or unmounted) while the permission prompt was up.
          if (s.end === 'discard' || !mounted.current) {
            release(s);
            setIfMounted({ kind: 'idle' });
            return;
          }
          const recorder = new MediaRecorder(s.stream, MediaRecorder.isTypeSupported(OPUS) ? { mimeType: OPUS } : undefined);
          s.recorder = recorder;
          recorder.ondataavailable = (e) => {
            if (e.data.size > 0) s.chunks.push(e.data);
          };
          recorder.onstop = () => void finish(s);
          recorder.onerror = () => {
            s.end = 'discard';
            callbacks.current.onError('Recording stopped: the microphone went away.');
          };
          // A slice a second, so a long recording is not one huge buffer at the end.
          recorder.start(1000);
          s.startedAt = performance.now();
          setIfMounted({ kind: 'recording', mode, startedAt: s.startedAt });
          // Released (hold) or stopped while the microphone was opening.
          if (s.end !== null) recorder.stop();
        } catch (err) {
          release(s);
          setIfMounted({ kind: 'idle' });
          callbacks.current.onError(microphoneErrorOf(err));
        }
      })();
    },
    [finish, release, setIfMounted],
  );

  const end = useCallback(
    (how: 'keep' | 'discard') => {
      const s = session.current;
      if (!s || s.end !== null) return;
      s.end = how;
      // Still opening: start() ends it once the microphone answers.
      if (s.recorder && s.recorder.state !== 'inactive') s.recorder.stop();
      else if (how === 'discard') setPhase({ kind: 'idle' });
    },
    [],
  );

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      // Leaving the chat mid-recording discards it and lets the microphone go.
      const s = session.current;
      if (!s) return;
      s.end = 'discard';
      if (s.recorder && s.recorder.state !== 'inactive') s.recorder.stop();
      release(s);
    };
  }, [release]);

  return { phase, start, stop: useCallback(() => end('keep'), [end]), cancel: useCallback(() => end('discard'), [end]) };
}
