// The record button's gesture and the microphone's error messages.
import { describe, expect, it } from 'vitest';
import { CANCEL_SLIDE_PX, type GestureEffect, type GestureEvent, IDLE, nextGesture, slideProgress } from './holdGesture';
import { microphoneError, microphoneErrorOf } from './microphone';

function run(...events: GestureEvent[]): GestureEffect[] {
  let state = IDLE;
  const effects: GestureEffect[] = [];
  for (const event of events) {
    const next = nextGesture(state, event);
    state = next.state;
    if (next.effect) effects.push(next.effect);
  }
  expect(state).toEqual(IDLE);
  return effects;
}

describe('record button gesture', () => {
  it('a short press is a click', () => {
    expect(run({ type: 'down', x: 100 }, { type: 'move', x: 20 }, { type: 'up' })).toEqual(['click']);
  });

  it('a hold records until release', () => {
    expect(run({ type: 'down', x: 100 }, { type: 'held', x: 100 }, { type: 'move', x: 90 }, { type: 'up' })).toEqual(['start-hold', 'finish-hold']);
  });

  it('sliding left while holding cancels, and the release then does nothing', () => {
    expect(run({ type: 'down', x: 200 }, { type: 'held', x: 200 }, { type: 'move', x: 200 - CANCEL_SLIDE_PX }, { type: 'move', x: 300 }, { type: 'up' })).toEqual([
      'start-hold',
      'cancel-hold',
    ]);
  });

  it('sliding right or not far enough keeps recording', () => {
    expect(run({ type: 'down', x: 200 }, { type: 'held', x: 200 }, { type: 'move', x: 400 }, { type: 'move', x: 200 - CANCEL_SLIDE_PX + 1 }, { type: 'up' })).toEqual([
      'start-hold',
      'finish-hold',
    ]);
  });

  it('a pointer taken away cancels a hold and forgets a press', () => {
    expect(run({ type: 'down', x: 0 }, { type: 'held', x: 0 }, { type: 'cancel' })).toEqual(['start-hold', 'cancel-hold']);
    expect(run({ type: 'down', x: 0 }, { type: 'cancel' })).toEqual([]);
  });

  it('ignores stray events while idle', () => {
    expect(run({ type: 'up' }, { type: 'held', x: 0 }, { type: 'move', x: 0 })).toEqual([]);
  });

  it('shows how close a slide is to cancelling', () => {
    const holding = nextGesture(nextGesture(IDLE, { type: 'down', x: 100 }).state, { type: 'held', x: 100 }).state;
    expect(slideProgress(holding)).toBe(0);
    expect(slideProgress(nextGesture(holding, { type: 'move', x: 100 - CANCEL_SLIDE_PX / 2 }).state)).toBe(0.5);
    expect(slideProgress(nextGesture(holding, { type: 'move', x: 150 }).state)).toBe(0);
    expect(slideProgress(IDLE)).toBe(0);
  });
});

describe('microphone errors', () => {
  it('says clearly when permission is denied, no microphone exists, or it is busy', () => {
    expect(microphoneError('NotAllowedError', 'Permission denied')).toMatch(/^Switchboard may not use the microphone\./);
    expect(microphoneError('NotFoundError', 'Requested device not found')).toBe('No microphone was found. Connect one and try again.');
    expect(microphoneError('NotReadableError', 'Could not start audio source')).toMatch(/another app/);
  });

  it('passes anything else on with its message', () => {
    expect(microphoneError('TypeError', 'bad')).toBe('The microphone could not be opened: bad');
    expect(microphoneError('', '')).toBe('The microphone could not be opened.');
    const denied = new Error('Permission denied');
    denied.name = 'NotAllowedError';
    expect(microphoneErrorOf(denied)).toMatch(/may not use the microphone/);
    expect(microphoneErrorOf('weird')).toBe('The microphone could not be opened: weird');
  });
});
