import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

/**
 * Runs sandboxed and context-isolated: this file may only require electron, events, timers and
 * url, so the build emits it as one CommonJS bundle (out/preload/index.cjs) with the contract
 * inlined. Everything it exposes is built by the unit-tested createBridge.
 */
const bridge = createBridge(
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  (channel, handler) => {
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
);

contextBridge.exposeInMainWorld('lethe', bridge);
