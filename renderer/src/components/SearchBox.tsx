import { useEffect, useRef } from 'react';
import { actions } from '../state/app';

const DEBOUNCE_MS = 200;

interface Props {
  value: string;
  onChange: (value: string) => void;
}

export function SearchBox({ value, onChange }: Props) {
  const timer = useRef<number | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Ctrl+K / Cmd+K jumps to the search box from anywhere.
    function focusSearch(e: globalThis.KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        input.current?.focus();
      }
    }
    window.addEventListener('keydown', focusSearch);
    return () => {
      window.removeEventListener('keydown', focusSearch);
      if (timer.current !== null) window.clearTimeout(timer.current);
    };
  }, []);

  function update(next: string) {
    onChange(next);
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    if (next.trim() === '') actions.clearSearch();
    else timer.current = window.setTimeout(() => void actions.search(next), DEBOUNCE_MS);
  }

  return (
    <input
      ref={input}
      type="search"
      className="search-input"
      aria-label="Search"
      placeholder="Search messages"
      value={value}
      onChange={(e) => update(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          update('');
        }
      }}
    />
  );
}
