// Types for after-pack.mjs (plain JS so electron-builder can load it without a TypeScript step).
import type { AfterPackContext } from 'electron-builder';

export declare const ELECTRON_SQLITE_BINDING: string;
export declare function assertElectronSqliteBuild(resourcesDir: string): string;
export declare function afterPack(context: AfterPackContext): Promise<void>;
export default afterPack;
