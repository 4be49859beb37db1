// The composer's line icons, drawn inline (no icon font). Decorative: every button that shows one
// has its own accessible name.
import type { AttachmentKind } from '../../media/types';

const common = {
  className: 'icon',
  viewBox: '0 0 16 16',
  'aria-hidden': true,
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.5,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
} as const;

export function PaperclipIcon() {
  return (
    <svg {...common}>
      <path d="M13 7.5 8.2 12.3a3 3 0 0 1-4.3-4.2l5-5a2 2 0 0 1 2.9 2.8l-5 5a1 1 0 0 1-1.4-1.4L10 4.9" />
    </svg>
  );
}

export function MicrophoneIcon() {
  return (
    <svg {...common}>
      <rect x="5.5" y="1.5" width="5" height="8" rx="2.5" />
      <path d="M3 7.5a5 5 0 0 0 10 0M8 12.5V15" />
    </svg>
  );
}

export function KindIcon({ kind }: { kind: AttachmentKind }) {
  switch (kind) {
    case 'image':
      return (
        <svg {...common}>
          <rect x="2" y="3" width="12" height="10" rx="1.5" />
          <path d="m2.5 11 3.5-3.5 3 3 1.5-1.5 3 3" />
          <circle cx="10.5" cy="6" r="1" />
        </svg>
      );
    case 'video':
      return (
        <svg {...common}>
          <rect x="1.5" y="4" width="9" height="8" rx="1.5" />
          <path d="m10.5 7 4-2.5v7l-4-2.5" />
        </svg>
      );
    case 'voice':
      return <MicrophoneIcon />;
    case 'file':
      return (
        <svg {...common}>
          <path d="M4 1.5h5l3.5 3.5v9.5H4z" />
          <path d="M9 1.5V5h3.5" />
        </svg>
      );
  }
}
