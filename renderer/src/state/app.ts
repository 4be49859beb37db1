// The running app's store and actions, bound to window.switchboard, and the event wiring.
import { api } from '../api';
import { createActions } from './actions';
import { applyEvent } from './applyEvent';
import { store } from './store';

export const actions = createActions({ api, store });

/** Subscribes to core events and loads the first snapshot; returns the unsubscribe function. */
export function startApp(): () => void {
  const off = api().onEvent((event) => {
    if (event.type === 'resync') void actions.resync();
    else if (event.type !== 'notification') applyEvent(store, event);
  });
  const unwatch = actions.watchOpenChat();
  void actions.loadSnapshot();
  return () => {
    off();
    unwatch();
  };
}
