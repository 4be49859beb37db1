// The safety number with one contact: libsignal's fingerprint as 60 digits (12 groups of 5) and a
// scannable code, to compare in person or over another channel, then "Mark as verified".
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import type { ChatView, SafetyNumberView } from '../api';
import { digitGroups } from '../format';
import { actions } from '../state/app';

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

type Loaded = { number: SafetyNumberView; qr: string | null } | { error: string };

export function SafetyNumberPanel({ chat, onClose }: { chat: ChatView; onClose: () => void }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    let live = true;
    void (async () => {
      const result = await actions.getSafetyNumber(chat.id);
      if (!live) return;
      if (!result.ok) {
        setLoaded({ error: result.error.message });
        return;
      }
      let qr: string | null = null;
      try {
        const svg = await QRCode.toString([{ data: fromBase64(result.value.scannable), mode: 'byte' }], {
          type: 'svg',
          errorCorrectionLevel: 'M',
          margin: 2,
        });
        qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      } catch {
        // The digits alone are enough to compare; the code is a convenience.
      }
      if (live) setLoaded({ number: result.value, qr });
    })();
    return () => {
      live = false;
    };
  }, [chat.id]);

  return (
    <section className="safety-number" aria-label="Safety number">
      <div className="safety-number-head">
        <h3 className="safety-number-title">Safety number with {chat.title}</h3>
        <button type="button" className="icon-button" aria-label="Close" title="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {loaded === null && <p className="field-hint">Loading…</p>}
      {loaded !== null && 'error' in loaded && (
        <p role="alert" className="form-error">
          {loaded.error}
        </p>
      )}
      {loaded !== null && 'number' in loaded && (
        <div className="safety-number-body">
          {/* Groups separated by real spaces, so the text reads (and copies) as "12345 67890 …". */}
          <p className="safety-number-digits" data-testid="safety-number-digits">
            {digitGroups(loaded.number.digits).map((group, i) => (
              <span key={i} className="digit-group">
                {i > 0 ? ' ' : ''}
                {group}
              </span>
            ))}
          </p>
          {loaded.qr !== null && <img className="safety-number-qr" src={loaded.qr} alt={`Scannable code of the safety number with ${chat.title}`} />}
          <p className="field-hint">
            Compare these numbers with the ones {chat.title} sees, in person or over another channel you trust, or scan
            each other’s code. If they match, nobody is in between.
          </p>
        </div>
      )}
      <div className="safety-number-actions">
        {/* The chat header says "Verified"/"Unverified"; one place, so the word is never ambiguous. */}
        <span className="field-hint">
          {chat.verified ? 'You marked this safety number as verified.' : 'Not marked as verified yet.'}
        </span>
        {chat.verified ? (
          <button type="button" className="button" onClick={() => void actions.markVerified(chat.id, false)}>
            Clear verification
          </button>
        ) : (
          <button type="button" className="button primary" onClick={() => void actions.markVerified(chat.id, true)}>
            Mark as verified
          </button>
        )}
      </div>
    </section>
  );
}
