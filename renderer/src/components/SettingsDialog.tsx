// Settings: interoperability and automatic downloads. Turning interop on goes through the
// disclosure first; turning it off is immediate (it stops the channel and hides nothing already
// received).
import { useMemo, useState } from 'react';
import { actions } from '../state/app';
import { useApp } from '../state/store';
import { Dialog, DialogError, DialogFooter } from './Dialog';
import { InteropDisclosureDialog } from './InteropDisclosureDialog';

const MB = 1024 * 1024;
/** The sizes offered for automatic downloads; 0 turns them off. */
const AUTO_DOWNLOAD_CHOICES: ReadonlyArray<{ bytes: number; label: string }> = [
  { bytes: 0, label: 'Never' },
  { bytes: 1 * MB, label: 'Up to 1 MB' },
  { bytes: 5 * MB, label: 'Up to 5 MB' },
  { bytes: 16 * MB, label: 'Up to 16 MB' },
  { bytes: 50 * MB, label: 'Up to 50 MB' },
  { bytes: 100 * MB, label: 'Up to 100 MB' },
];

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const enabled = useApp((s) => s.settings?.interopEnabled ?? false);
  const autoDownload = useApp((s) => s.settings?.autoDownloadMaxBytes ?? 16 * MB);
  const accounts = useApp((s) => s.accounts);
  const interopAccounts = useMemo(() => Object.values(accounts).filter((a) => a.network === 'interop'), [accounts]);
  const [disclosing, setDisclosing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function set(on: boolean) {
    setError(null);
    const result = await actions.setInteropEnabled(on);
    if (!result.ok) setError(result.error.message);
  }

  return (
    <Dialog title="Settings" onClose={onClose}>
      <div className="settings-section">
        <h3 className="settings-heading">Other messengers</h3>
        <label className="switch-row">
          <input
            type="checkbox"
            role="switch"
            checked={enabled}
            aria-describedby="settings-interop-hint"
            onChange={(e) => {
              if (e.target.checked) setDisclosing(true);
              else void set(false);
            }}
          />
          <span className="switch-label">Interoperability</span>
        </label>
        <p id="settings-interop-hint" className="field-hint">
          {enabled
            ? 'On: your interop accounts connect to the gatekeeper’s servers, and chats from other messengers appear in the Interop inbox.'
            : 'Off: interop accounts stay disconnected. Chats already received stay visible.'}
        </p>
        {enabled &&
          interopAccounts.map((a) => (
            <dl key={a.id} className="own-address">
              <dt id={`own-address-${a.id}`} className="field-label">
                Your interop address
              </dt>
              <dd aria-labelledby={`own-address-${a.id}`} className="own-address-value">
                {a.ownAddress ?? a.address}
              </dd>
            </dl>
          ))}
        {enabled && interopAccounts.length === 0 && (
          <p className="field-hint">Add an account with the network “Interop” to get an interop address.</p>
        )}
      </div>
      <div className="settings-section">
        <h3 className="settings-heading">Media</h3>
        <label className="field-label" htmlFor="settings-auto-download">
          Download images and voice messages automatically
        </label>
        <select
          id="settings-auto-download"
          value={AUTO_DOWNLOAD_CHOICES.some((c) => c.bytes === autoDownload) ? autoDownload : ''}
          aria-describedby="settings-auto-download-hint"
          onChange={(e) => {
            setError(null);
            void actions.setAutoDownload(Number(e.target.value)).then((r) => {
              if (!r.ok) setError(r.error.message);
            });
          }}
        >
          {!AUTO_DOWNLOAD_CHOICES.some((c) => c.bytes === autoDownload) && (
            <option value="">Up to {Math.round(autoDownload / MB)} MB</option>
          )}
          {AUTO_DOWNLOAD_CHOICES.map((c) => (
            <option key={c.bytes} value={c.bytes}>
              {c.label}
            </option>
          ))}
        </select>
        <p id="settings-auto-download-hint" className="field-hint">
          Videos and files are downloaded only when you click. Nothing is fetched from someone whose message request you
          have not accepted.
        </p>
        <DialogError message={error} />
      </div>
      <DialogFooter onCancel={onClose} cancelLabel="Close" />
      {disclosing && (
        <InteropDisclosureDialog
          onCancel={() => setDisclosing(false)}
          onConfirm={async () => {
            setDisclosing(false);
            await set(true);
          }}
        />
      )}
    </Dialog>
  );
}
