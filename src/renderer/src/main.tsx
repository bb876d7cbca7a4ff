import { StrictMode } from 'react';
import { z } from 'zod';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/client';
import { ApiProvider, createQueryClient } from './api/hooks';
import { detectTransport } from './api/transport';
import { App } from './app/App';
import './styles.css';

// zod probes for `new Function` (its JIT) unless told not to; the CSP forbids eval, so the probe
// would only produce a violation report.
z.config({ jitless: true });

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
