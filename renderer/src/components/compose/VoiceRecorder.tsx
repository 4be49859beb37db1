// The composer's voice controls. Click "Record voice message" to record until "Stop recording"
// (the recording then waits in the tray for Send) or "Cancel recording". Or hold it: recording
// starts after HOLD_MS and is sent on release; sliding left before release cancels.
import { type PointerEvent, useEffect, useRef, useState } from 'react';
import { formatDuration } from '../../media/format';
import type { PreparedAttachment } from '../../media/types';
import { MicrophoneIcon } from './ComposeIcons';
import { type GestureEvent, type GestureState, HOLD_MS, IDLE, nextGesture, slideProgress } from './holdGesture';
import { type RecordMode, useVoiceRecorder } from './useVoiceRecorder';

interface Props {
  onRecorded: (item: PreparedAttachment, mode: RecordMode) => Promise<void> | void;
  onError: (message: string) => void;
}

export function VoiceRecorder({ onRecorded, onError }: Props) {
  const recorder = useVoiceRecorder(onRecorded, onError);
  const { phase } = recorder;
  const gesture = useRef<GestureState>(IDLE);
  const holdTimer = useRef<number | null>(null);
  // Rendered copy of the gesture, for the slide hint.
  const [slide, setSlide] = useState(0);

  useEffect(
    () => () => {
      if (holdTimer.current !== null) window.clearTimeout(holdTimer.current);
    },
    [],
  );

  function dispatch(event: GestureEvent) {
    const { state, effect } = nextGesture(gesture.current, event);
    gesture.current = state;
    setSlide(slideProgress(state));
    if (effect === 'click') recorder.start('click');
    else if (effect === 'start-hold') recorder.start('hold');
    else if (effect === 'finish-hold') recorder.stop();
    else if (effect === 'cancel-hold') recorder.cancel();
  }

  function clearHoldTimer() {
    if (holdTimer.current !== null) window.clearTimeout(holdTimer.current);
    holdTimer.current = null;
  }

  function pointerDown(e: PointerEvent<HTMLButtonElement>) {
    if (e.button !== 0 || phase.kind !== 'idle') return;
    // Captured, so the release and the slide are seen even off the button. It throws for a
    // pointer the browser no longer tracks; the gesture then works on the button alone.
    try {
      e.currentTarget.setPointerCapture(e.pointerId);
    } catch {
      // No capture: the gesture then sees only the events over the button.
    }
    const x = e.clientX;
    dispatch({ type: 'down', x });
    holdTimer.current = window.setTimeout(() => {
      holdTimer.current = null;
      dispatch({ type: 'held', x });
    }, HOLD_MS);
  }

  const clickMode = (phase.kind === 'starting' || phase.kind === 'recording') && phase.mode === 'click';
  if (clickMode) {
    return (
      <div className="voice-recorder recording" role="group" aria-label="Recording a voice message">
        <RecordingTime startedAt={phase.kind === 'recording' ? phase.startedAt : null} />
        <button type="button" className="button subtle" onClick={recorder.cancel}>
          Cancel recording
        </button>
        {/* Focus follows: the record button that had it is gone. */}
        <button type="button" className="button" onClick={recorder.stop} autoFocus>
          Stop recording
        </button>
      </div>
    );
  }

  const holding = phase.kind === 'starting' || phase.kind === 'recording';
  return (
    <div className={`voice-recorder${holding ? ' recording holding' : ''}`}>
      {holding && <RecordingTime startedAt={phase.kind === 'recording' ? phase.startedAt : null} />}
      {holding && (
        <span className={`slide-hint${slide > 0.5 ? ' near' : ''}`} aria-hidden="true">
          ‹ Slide left to cancel
        </span>
      )}
      {phase.kind === 'finishing' && <span className="voice-status">Preparing…</span>}
      <button
        type="button"
        className={`icon-button composer-tool record${holding ? ' active' : ''}`}
        aria-label="Record voice message"
        title="Record voice message (click, or hold and release to send)"
        disabled={phase.kind === 'finishing'}
        onPointerDown={pointerDown}
        onPointerMove={(e) => dispatch({ type: 'move', x: e.clientX })}
        onPointerUp={() => {
          clearHoldTimer();
          dispatch({ type: 'up' });
        }}
        onPointerCancel={() => {
          clearHoldTimer();
          dispatch({ type: 'cancel' });
        }}
        // Capture ends after every release (the gesture is idle by then: nothing happens); lost
        // mid-hold, the release will never be seen, so the recording is cancelled.
        onLostPointerCapture={() => {
          clearHoldTimer();
          dispatch({ type: 'cancel' });
        }}
        onClick={(e) => {
          // Pointer clicks went through the gesture; this is the keyboard (Enter, Space).
          if (e.detail === 0 && phase.kind === 'idle') recorder.start('click');
        }}
        // A long press on touch screens would open the context menu instead.
        onContextMenu={(e) => e.preventDefault()}
      >
        <MicrophoneIcon />
      </button>
    </div>
  );
}

/** The live timer, "0:07"; a role=timer region is not read out on every tick. */
function RecordingTime({ startedAt }: { startedAt: number | null }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(performance.now()), 250);
    return () => window.clearInterval(id);
  }, []);
  return (
    <span className="recording-time">
      <span className="recording-dot" aria-hidden="true" />
      <span role="timer" aria-label="Recording time">{formatDuration(startedAt === null ? 0 : now - startedAt)}</span>
    </span>
  );
}
