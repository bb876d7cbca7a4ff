import { copyFile, rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { BrowserWindow, dialog } from 'electron';
import { tempPathFor } from '../../core/fs/atomic-write';

/**
 * "Save as" for produced archives: the person picks the place in a native dialog (the renderer
 * never supplies a path), then the file is copied beside the target and renamed over it, so an
 * interrupted copy never leaves a half archive under the chosen name.
 */
export async function saveFileWithDialog(sourcePath: string, suggestedName: string): Promise<{ saved: boolean; path: string | null }> {
  const parent = BrowserWindow.getFocusedWindow();
  const options = {
    title: 'Save the archive',
    defaultPath: basename(suggestedName),
    filters: [{ name: 'ZIP archive', extensions: ['zip'] }],
  };
  const choice = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return { saved: false, path: null };
  const temp = tempPathFor(choice.filePath);
  try {
    await copyFile(sourcePath, temp);
    await rename(temp, choice.filePath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { saved: true, path: choice.filePath };
}
