// Browser-mode notifications. In Electron the main process shows native notifications itself, so
// this does nothing there.
import { api } from './api';
import { actions } from './state/app';
import { store } from './state/store';

export function startNotifications(): () => void {
  const bridge = api();
  if (bridge.platform !== 'browser' || typeof Notification === 'undefined') return () => {};
  return bridge.onEvent((event) => {
    if (event.type !== 'notification') return;
    const seen = !document.hidden && store.getState().openChatId === event.chatId;
    if (seen || Notification.permission !== 'granted') return;
    const shown = new Notification(event.title, { body: event.body, tag: `chat-${event.chatId}` });
    shown.onclick = () => {
      window.focus();
      void actions.openChat(event.chatId);
      shown.close();
    };
  });
}
