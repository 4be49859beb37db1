import { memo } from 'react';
import type { MessageView } from '../api';
import { formatTime } from '../format';
import { actions } from '../state/app';
import { Attachment } from './view/Attachment';

const statusText: Record<MessageView['status'], string> = {
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  received: '',
};

/** A file whose transfer stopped has its own "Retry" beside it; a second one here would be noise. */
function retriedByItsFile(message: MessageView): boolean {
  return message.attachments.some((a) => a.transfer.state === 'failed' || a.transfer.state === 'cancelled');
}

function Status({ message }: { message: MessageView }) {
  if (message.status === 'failed' && retriedByItsFile(message)) {
    return (
      <span className="status failed" title={message.error ?? 'Not sent'}>
        Failed
      </span>
    );
  }
  if (message.status === 'failed') {
    return (
      <span className="status failed">
        <span title={message.error ?? 'Not sent'}>Failed</span>
        <button type="button" className="link-button" onClick={() => void actions.retry(message.id)}>
          Retry
        </button>
      </span>
    );
  }
  const text = statusText[message.status];
  return text === '' ? null : <span className={`status ${message.status}`}>{text}</span>;
}

interface Props {
  message: MessageView;
  /** True when the previous message is from the same sender on the same day. */
  continued: boolean;
  highlighted: boolean;
}

export const MessageRow = memo(function MessageRow({ message, continued, highlighted }: Props) {
  if (message.kind === 'notice') {
    // The app's own word (a safety number changed): centred like a day separator, not a bubble.
    return (
      <div className="notice-row" data-message-id={message.id}>
        <span className="notice">{message.body}</span>
      </div>
    );
  }
  const mine = message.fromMe;
  return (
    <div className={`message-row${continued ? ' continued' : ''}`} data-message-id={message.id}>
      <div className={`message ${mine ? 'mine' : 'theirs'}${highlighted ? ' highlight' : ''}`}>
        <div className="bubble">
          {!mine && <div className="sender">{message.senderName ?? message.sender}</div>}
          {message.deleted ? (
            <div className="body deleted">This message was deleted</div>
          ) : message.kind === 'undecryptable' ? (
            <div className="body undecryptable">{message.body}</div>
          ) : (
            <>
              {message.attachments.map((a) => (
                <Attachment key={a.id} attachment={a} fromMe={mine} />
              ))}
              {/* With files the body is their caption, often empty; always text, never markup. */}
              {(message.body !== '' || message.attachments.length === 0) && <div className="body">{message.body}</div>}
            </>
          )}
          <div className="message-meta">
            {message.editedAt !== null && !message.deleted && <span className="edited">(edited)</span>}
            <time dateTime={new Date(message.sentAt).toISOString()}>{formatTime(message.sentAt)}</time>
            {mine && <Status message={message} />}
          </div>
        </div>
      </div>
    </div>
  );
});
