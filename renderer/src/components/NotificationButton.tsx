import { useState } from 'react';
import { findApi } from '../api';

/** Asks for notification permission; only in the browser mode, and only while nobody has said. */
export function NotificationButton() {
  const [permission, setPermission] = useState(() =>
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  if (findApi()?.platform !== 'browser' || permission !== 'default') return null;
  return (
    <button
      type="button"
      className="button subtle"
      onClick={() => void Notification.requestPermission().then((p) => setPermission(p))}
    >
      Enable notifications
    </button>
  );
}
