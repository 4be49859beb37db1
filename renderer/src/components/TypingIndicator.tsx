import type { ChatView } from '../api';
import { useApp } from '../state/store';

function names(chat: ChatView, froms: string[]): string {
  // In a direct chat the only other person is the chat itself; its title reads better than an address.
  if (chat.kind === 'direct') return chat.title;
  if (froms.length <= 2) return froms.join(' and ');
  return `${froms.length} people`;
}

export function TypingIndicator({ chat }: { chat: ChatView }) {
  const entries = useApp((s) => s.typing[chat.id]);
  const froms = entries?.map((t) => t.from) ?? [];
  const text = froms.length === 0 ? '' : `${names(chat, froms)} ${froms.length > 1 && chat.kind !== 'direct' ? 'are' : 'is'} typing…`;
  return (
    <div className="typing" aria-live="polite">
      {text}
    </div>
  );
}
