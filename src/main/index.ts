import { startLethe } from './shell/electron/start';

// The Electron entry stays a one-liner: all decisions live in src/main/shell (pure, unit-tested)
// and src/main/shell/electron (the thin wiring that needs the electron module).
startLethe();
