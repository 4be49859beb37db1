import { avatarHue, initials } from '../format';

export function Avatar({ title, seed, size = 'md' }: { title: string; seed: string; size?: 'md' | 'lg' }) {
  // CSSOM style (set by React), not a style attribute in markup, so the strict CSP allows it.
  return (
    <span className={`avatar ${size}`} aria-hidden="true" style={{ backgroundColor: `hsl(${avatarHue(seed)} 45% 48%)` }}>
      {initials(title)}
    </span>
  );
}
