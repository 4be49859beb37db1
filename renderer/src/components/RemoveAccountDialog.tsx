import { useState } from 'react';
import type { AccountView } from '../api';
import { actions } from '../state/app';
import { Dialog, DialogError, DialogFooter } from './Dialog';

interface Props {
  account: AccountView;
  onClose: () => void;
}

export function RemoveAccountDialog({ account, onClose }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function remove() {
    setBusy(true);
    setError(null);
    const result = await actions.removeAccount(account.id);
    setBusy(false);
    if (result.ok) onClose();
    else setError(result.error.message);
  }

  return (
    <Dialog title="Remove account" onClose={onClose}>
      <p>
        Remove <strong>{account.address}</strong> ({account.networkName}) from Switchboard? The account&apos;s chats and
        messages on this device will be deleted. The account itself stays on its server.
      </p>
      <DialogError message={error} />
      <DialogFooter onCancel={onClose} focusCancel action={{ label: 'Remove', tone: 'danger', disabled: busy, onClick: () => void remove() }} />
    </Dialog>
  );
}
