// A first message from someone new (interop): nothing goes back — no replies, no read receipts —
// until the user accepts. Blocking hides the chat and drops what they send later.
import type { ChatView } from '../api';
import { actions } from '../state/app';

export function RequestBanner({ chat }: { chat: ChatView }) {
  return (
    <div className="request-banner" role="group" aria-label="Message request">
      <p className="request-text">
        {chat.title} wants to message you. They won’t see that you read their messages until you accept.
      </p>
      <div className="request-actions">
        <button type="button" className="button" onClick={() => void actions.blockChat(chat.id)}>
          Block
        </button>
        <button type="button" className="button primary" onClick={() => void actions.acceptChat(chat.id)}>
          Accept
        </button>
      </div>
    </div>
  );
}

/** Shown while a contact's new safety number has not been acknowledged. */
export function IdentityChangedBanner({ chat, onShowNumber }: { chat: ChatView; onShowNumber: () => void }) {
  return (
    <div className="identity-banner" role="status">
      <p className="request-text">
        {chat.title}’s safety number changed. This can mean they reinstalled the app or use a new device — or that
        someone is in between. Compare the new number before you trust this chat again.
      </p>
      <div className="request-actions">
        <button type="button" className="button" onClick={onShowNumber}>
          Compare numbers
        </button>
        <button type="button" className="button primary" onClick={() => void actions.acknowledgeIdentity(chat.id)}>
          Got it
        </button>
      </div>
    </div>
  );
}
