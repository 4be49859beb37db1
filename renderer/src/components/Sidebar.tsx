import { useState } from 'react';
import { AccountList } from './AccountList';
import { AddAccountDialog } from './AddAccountDialog';
import { ChatList } from './ChatList';
import { NewChatDialog } from './NewChatDialog';
import { NotificationButton } from './NotificationButton';
import { SearchBox } from './SearchBox';
import { SearchResults } from './SearchResults';
import { SettingsDialog } from './SettingsDialog';

export function Sidebar() {
  const [dialog, setDialog] = useState<'add-account' | 'new-chat' | 'settings' | null>(null);
  const [query, setQuery] = useState('');
  return (
    <nav className="sidebar" aria-label="Sidebar">
      <div className="sidebar-top">
        <div className="sidebar-actions">
          <span className="app-name">Switchboard</span>
          <button type="button" className="button subtle" onClick={() => setDialog('add-account')}>
            Add account
          </button>
          <button type="button" className="button primary" onClick={() => setDialog('new-chat')}>
            New chat
          </button>
        </div>
        <SearchBox value={query} onChange={setQuery} />
      </div>
      <div className="sidebar-scroll">
        <AccountList />
        {query.trim() !== '' ? <SearchResults /> : <ChatList />}
      </div>
      <div className="sidebar-bottom">
        <button type="button" className="button subtle" onClick={() => setDialog('settings')}>
          Settings
        </button>
        <NotificationButton />
      </div>
      {dialog === 'add-account' && <AddAccountDialog onClose={() => setDialog(null)} />}
      {dialog === 'new-chat' && <NewChatDialog onClose={() => setDialog(null)} />}
      {dialog === 'settings' && <SettingsDialog onClose={() => setDialog(null)} />}
    </nav>
  );
}
