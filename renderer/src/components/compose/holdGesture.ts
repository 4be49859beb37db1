// The record button's gesture, as a pure state machine: a short press is a click (record until
// "Stop recording"); holding HOLD_MS records until release; sliding left while holding cancels.

export const HOLD_MS = 300;
/** How far left (CSS px) the pointer must slide from where the hold began to cancel. */
export const CANCEL_SLIDE_PX = 80;

export type GestureState =
  | { phase: 'idle' }
  | { phase: 'pressed' }
  | { phase: 'holding'; startX: number; x: number }
  /** Slid away: the recording is cancelled, the release still to come is ignored. */
  | { phase: 'slid' };

export type GestureEvent =
  | { type: 'down'; x: number }
  /** The hold timer fired while pressed. */
  | { type: 'held'; x: number }
  | { type: 'move'; x: number }
  | { type: 'up' }
  /** The pointer was taken away (pointercancel, lost capture). */
  | { type: 'cancel' };

export type GestureEffect = 'click' | 'start-hold' | 'finish-hold' | 'cancel-hold' | null;

export const IDLE: GestureState = { phase: 'idle' };

export function nextGesture(state: GestureState, event: GestureEvent): { state: GestureState; effect: GestureEffect } {
  switch (state.phase) {
    case 'idle':
      return event.type === 'down' ? { state: { phase: 'pressed' }, effect: null } : { state, effect: null };
    case 'pressed':
      if (event.type === 'held') return { state: { phase: 'holding', startX: event.x, x: event.x }, effect: 'start-hold' };
      if (event.type === 'up') return { state: IDLE, effect: 'click' };
      if (event.type === 'cancel') return { state: IDLE, effect: null };
      return { state, effect: null };
    case 'holding':
      if (event.type === 'move') {
        if (state.startX - event.x >= CANCEL_SLIDE_PX) return { state: { phase: 'slid' }, effect: 'cancel-hold' };
        return { state: { ...state, x: event.x }, effect: null };
      }
      if (event.type === 'up') return { state: IDLE, effect: 'finish-hold' };
      if (event.type === 'cancel') return { state: IDLE, effect: 'cancel-hold' };
      return { state, effect: null };
    case 'slid':
      return event.type === 'up' || event.type === 'cancel' ? { state: IDLE, effect: null } : { state, effect: null };
  }
}

/** 0 at the start of a hold, 1 where a release would cancel: for the "slide to cancel" hint. */
export function slideProgress(state: GestureState): number {
  if (state.phase !== 'holding') return 0;
  return Math.min(1, Math.max(0, (state.startX - state.x) / CANCEL_SLIDE_PX));
}
