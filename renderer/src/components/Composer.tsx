// The message field. Mounted once per chat (keyed by chat id), so its text starts as the chat's
// saved draft; the draft is saved debounced while typing and at once when the chat changes or the
// page goes away. Typing notices: 'composing' at most every 4 s, 'paused' after 5 s idle,
// 'active' after sending.
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { ChatView } from '../api';
import { actions } from '../state/app';

const DRAFT_DEBOUNCE_MS = 400;
const COMPOSING_EVERY_MS = 4000;
const PAUSED_AFTER_MS = 5000;

export function Composer({ chat }: { chat: ChatView }) {
  const chatId = chat.id;
  const [text, setText] = useState(chat.draft);
  const saved = useRef(chat.draft);
  const latest = useRef(chat.draft);
  const draftTimer = useRef<number | null>(null);
  const pauseTimer = useRef<number | null>(null);
  const lastComposing = useRef(0);

  useEffect(() => {
    function flushDraft() {
      if (draftTimer.current !== null) window.clearTimeout(draftTimer.current);
      draftTimer.current = null;
      if (latest.current !== saved.current) {
        saved.current = latest.current;
        actions.setDraft(chatId, latest.current);
      }
    }
    window.addEventListener('pagehide', flushDraft);
    return () => {
      window.removeEventListener('pagehide', flushDraft);
      flushDraft();
      if (pauseTimer.current !== null) {
        window.clearTimeout(pauseTimer.current);
        actions.setTyping(chatId, 'paused');
      }
    };
  }, [chatId]);

  function scheduleDraft(value: string) {
    latest.current = value;
    if (draftTimer.current !== null) window.clearTimeout(draftTimer.current);
    draftTimer.current = window.setTimeout(() => {
      draftTimer.current = null;
      if (latest.current !== saved.current) {
        saved.current = latest.current;
        actions.setDraft(chatId, latest.current);
      }
    }, DRAFT_DEBOUNCE_MS);
  }

  function noteTyping(value: string) {
    if (pauseTimer.current !== null) window.clearTimeout(pauseTimer.current);
    pauseTimer.current = null;
    if (value.trim() === '') return;
    const now = Date.now();
    if (now - lastComposing.current >= COMPOSING_EVERY_MS) {
      lastComposing.current = now;
      actions.setTyping(chatId, 'composing');
    }
    pauseTimer.current = window.setTimeout(() => {
      pauseTimer.current = null;
      lastComposing.current = 0;
      actions.setTyping(chatId, 'paused');
    }, PAUSED_AFTER_MS);
  }

  function change(value: string) {
    setText(value);
    scheduleDraft(value);
    noteTyping(value);
  }

  async function send() {
    const body = text;
    if (body.trim() === '') return;
    // Clear at once so the next message can be typed while this one goes out.
    setText('');
    latest.current = '';
    if (draftTimer.current !== null) window.clearTimeout(draftTimer.current);
    draftTimer.current = null;
    if (pauseTimer.current !== null) window.clearTimeout(pauseTimer.current);
    pauseTimer.current = null;
    lastComposing.current = 0;
    const ok = await actions.send(chatId, body);
    if (!ok) {
      // Give the text back unless something new was typed meanwhile; the error is in the alert.
      if (latest.current === '') {
        setText(body);
        latest.current = body;
      }
      return;
    }
    if (saved.current !== '' && latest.current === '') {
      saved.current = '';
      actions.setDraft(chatId, '');
    }
    actions.setTyping(chatId, 'active');
  }

  function keyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  }

  const empty = text.trim() === '';
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        className="composer-input"
        aria-label="Message"
        placeholder={`Message ${chat.title}`}
        rows={1}
        value={text}
        onChange={(e) => change(e.target.value)}
        onKeyDown={keyDown}
        autoFocus
      />
      <button type="submit" className="button primary send" disabled={empty}>
        Send
      </button>
    </form>
  );
}
