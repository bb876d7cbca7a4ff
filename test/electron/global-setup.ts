import { findElectronBinary } from './electron-binary';

/** Says once, up front, why the whole suite is skipped: Playwright's list reporter omits reasons. */
export default function globalSetup(): void {
  const binary = findElectronBinary();
  if (!binary.available) {
    process.stdout.write(`\n[electron suite] every test is skipped: ${binary.reason}\n\n`);
  }
}
