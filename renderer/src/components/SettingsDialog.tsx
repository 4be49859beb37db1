// Settings: for now, interoperability. Turning it on goes through the disclosure first; turning it
// off is immediate (it stops the channel and hides nothing already received).
import { useMemo, useState } from 'react';
import { actions } from '../state/app';
import { useApp } from '../state/store';
import { Dialog, DialogError, DialogFooter } from './Dialog';
import { InteropDisclosureDialog } from './InteropDisclosureDialog';

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const enabled = useApp((s) => s.settings?.interopEnabled ?? false);
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
