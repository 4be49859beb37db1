// The message field, with files: "Attach", drop onto the chat and paste add files to a tray above
// it, whose caption is the field's text; "Record voice message" records one. Mounted once per chat
// (keyed by chat id), so its text starts as the chat's saved draft; the draft is saved debounced
// while typing and at once when the chat changes or the page goes away. Typing notices:
// 'composing' at most every 4 s, 'paused' after 5 s idle, 'active' after sending.
import { type ClipboardEvent, type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { ChatView } from '../api';
import { pasteWantsFiles } from '../media/paste';
import type { PreparedAttachment } from '../media/types';
import { actions } from '../state/app';
import { sendMedia } from '../state/sendMedia';
import { AttachButton } from './compose/AttachButton';
import { AttachmentTray } from './compose/AttachmentTray';
import { DropOverlay } from './compose/DropOverlay';
import { useAttachmentTray } from './compose/useAttachmentTray';
import { useFileDrop } from './compose/useFileDrop';
import type { RecordMode } from './compose/useVoiceRecorder';
import { VoiceRecorder } from './compose/VoiceRecorder';

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
  const tray = useAttachmentTray(chatId);
  // The chat pane around the composer is the drop target; found once the composer is in the page.
  const [pane, setPane] = useState<HTMLElement | null>(null);
  const placed = useCallback((node: HTMLDivElement | null) => setPane(node?.closest<HTMLElement>('.chat-pane') ?? null), []);
  const dragging = useFileDrop(pane, tray.add);

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

  const withFiles = tray.items.length > 0;
  // Files go once every one is prepared; a caption alone is not needed. Without files, text is.
  const canSend = withFiles ? !tray.preparing && !tray.sending : text.trim() !== '';

  async function send() {
    if (!canSend) return;
    const body = text;
    // Clear at once so the next message can be typed while this one goes out.
    setText('');
    latest.current = '';
    if (draftTimer.current !== null) window.clearTimeout(draftTimer.current);
    draftTimer.current = null;
    if (pauseTimer.current !== null) window.clearTimeout(pauseTimer.current);
    pauseTimer.current = null;
    lastComposing.current = 0;
    // With files, the text is their caption.
    const ok = withFiles ? await tray.send(body) : await actions.send(chatId, body);
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

  function paste(e: ClipboardEvent<HTMLTextAreaElement>) {
    const data = e.clipboardData;
    const files = Array.from(data.files);
    const content = { fileTypes: files.map((f) => f.type), hasText: data.getData('text/plain').trim() !== '', hasHtml: data.types.includes('text/html') };
    if (!pasteWantsFiles(content)) return;
    e.preventDefault();
    tray.add(files);
  }

  async function recorded(item: PreparedAttachment, mode: RecordMode) {
    // A click recording waits in the tray (with its caption, removable) until Send; a held one is
    // sent on release, as in other messengers. If that fails, it lands in the tray (the error is
    // in the alert) instead of being lost.
    if (mode === 'click') {
      tray.addPrepared(item);
      return;
    }
    if (!(await sendMedia.send(chatId, '', [item]))) tray.addPrepared(item);
  }

  return (
    <div className="composer-area" ref={placed}>
      <AttachmentTray items={tray.items} sending={tray.sending} onRemove={tray.remove} onCancelAll={tray.clear} />
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <AttachButton onFiles={tray.add} />
        <textarea
          className="composer-input"
          aria-label="Message"
          placeholder={withFiles ? 'Add a caption' : `Message ${chat.title}`}
          rows={1}
          value={text}
          onChange={(e) => change(e.target.value)}
          onKeyDown={keyDown}
          onPaste={paste}
          autoFocus
        />
        <VoiceRecorder onRecorded={recorded} onError={actions.reportError} />
        <button type="submit" className="button primary send" disabled={!canSend}>
          Send
        </button>
      </form>
      {dragging && pane && <DropOverlay pane={pane} title={chat.title} />}
    </div>
  );
}
