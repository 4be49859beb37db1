// What differs when chats cross into another network, said plainly before the user turns
// interoperability on (the DMA requires it to be opt-in, and people deserve to know).
import { Dialog, DialogFooter } from './Dialog';

interface Props {
  onConfirm: () => void | Promise<void>;
  onCancel: () => void;
}

export function InteropDisclosureDialog({ onConfirm, onCancel }: Props) {
  return (
    <Dialog title="Chatting across messengers" onClose={onCancel}>
      <div className="disclosure">
        <p>
          Interoperability lets you chat with people on other messengers (for example WhatsApp or Messenger) from
          Switchboard. Those chats work differently from your other chats:
        </p>
        <h3 className="disclosure-heading">Who runs the servers</h3>
        <p>
          The other messenger’s company (the gatekeeper) runs the servers your interop messages pass through. You
          connect to them with the address and credentials your provider gave you.
        </p>
        <h3 className="disclosure-heading">What they can see</h3>
        <ul>
          <li>Who talks to whom, and when, and how often.</li>
          <li>Your interop address, and the addresses of the people you write to.</li>
          <li>Your IP address — unless you connect through a proxy (set one when you add the account).</li>
        </ul>
        <h3 className="disclosure-heading">What they cannot see</h3>
        <p>
          What you write: messages are end-to-end encrypted with the Signal Protocol, between your device and the other
          person’s devices. You can compare safety numbers to check that nobody is in between.
        </p>
        <h3 className="disclosure-heading">What is missing</h3>
        <ul>
          <li>No group chats and no calls.</li>
          <li>Reactions, replies and edits may not reach the other side.</li>
          <li>No attachments yet, and no message history from before you turned it on.</li>
          <li>Someone new who writes to you first appears as a request you can accept or block.</li>
        </ul>
        <p>You can turn interoperability off again at any time. Chats already received stay visible.</p>
      </div>
      <DialogFooter onCancel={onCancel} action={{ label: 'Turn on', tone: 'primary', onClick: () => void onConfirm() }} />
    </Dialog>
  );
}
