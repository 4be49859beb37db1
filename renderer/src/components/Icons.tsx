// Small line icons as inline SVG (no icon font, no emoji font needed).
interface IconProps {
  /** Tooltip; the icon itself stays hidden from assistive technology (the text says it elsewhere). */
  label: string;
}

export function PinIcon({ label }: IconProps) {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
      <title>{label}</title>
      <path d="M6 2h4l-.5 4 2.5 2.5H4L6.5 6z" strokeLinejoin="round" />
      <path d="M8 8.5V14" strokeLinecap="round" />
    </svg>
  );
}

export function MutedIcon({ label }: IconProps) {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
      <title>{label}</title>
      <path d="M4 11V7a4 4 0 0 1 6.5-3.1M12 6.5V11H6" strokeLinecap="round" strokeLinejoin="round" />
      <path d="M3 11h2M7 13.5h2M2.5 2.5l11 11" strokeLinecap="round" />
    </svg>
  );
}

export function LockIcon({ label }: IconProps) {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
      <title>{label}</title>
      <rect x="3.5" y="7" width="9" height="7" rx="1.5" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
    </svg>
  );
}
