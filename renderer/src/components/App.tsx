import { useEffect } from 'react';
import { startApp } from '../state/app';
import { startNotifications } from '../notifications';
import { ChatPane } from './ChatPane';
import { ErrorBanner } from './ErrorBanner';
import { Sidebar } from './Sidebar';

export function App() {
  useEffect(() => {
    const stopApp = startApp();
    const stopNotifications = startNotifications();
    return () => {
      stopApp();
      stopNotifications();
    };
  }, []);
  return (
    <div className="app">
      <Sidebar />
      <ChatPane />
      <ErrorBanner />
    </div>
  );
}
