import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { findApi, installApi } from './api';
import { createDomBridge } from './bridge/browserBridge';
import { App } from './components/App';
import './styles/base.css';
import './styles/sidebar.css';
import './styles/chat.css';
import './styles/dialogs.css';

// In Electron the preload has already put window.switchboard in place; a plain browser page
// (the headless host) gets the WebSocket bridge instead.
if (findApi() === undefined) installApi(createDomBridge());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
