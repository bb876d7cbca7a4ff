import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/client';
import { ApiProvider, createQueryClient } from './api/hooks';
import { detectTransport } from './api/transport';
import { App } from './app/App';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('No #root element');
const api = createApi(detectTransport());

createRoot(root).render(
  <StrictMode>
    <ApiProvider api={api} queryClient={createQueryClient()}>
      <App />
    </ApiProvider>
  </StrictMode>,
);
