// Button "Attach": opens the system file chooser (several files at once). The chooser's input is
// hidden (out of the accessibility tree); tests can fill it directly through data-testid.
import { useRef } from 'react';
import { PaperclipIcon } from './ComposeIcons';

export function AttachButton({ onFiles }: { onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="icon-button composer-tool" aria-label="Attach" title="Attach files" onClick={() => input.current?.click()}>
        <PaperclipIcon />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        data-testid="attach-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          // Cleared, so choosing the same file again still fires a change.
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
