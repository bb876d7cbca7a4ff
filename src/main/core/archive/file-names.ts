/**
 * Attachment names come from whoever uploaded the file, and unzip tools have written outside the
 * target folder ("zip slip") or over device names because of them. A safe name has no path
 * separator, no "..", no control or invisible formatting character (a right-to-left override can
 * make "gpj.exe" read as "exe.jpg"), no character Windows refuses, is not a Windows device name,
 * and fits comfortably within file-system limits once extracted under a few folders.
 */
export const MAX_FILE_NAME_LENGTH = 100;

const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const FORBIDDEN = /[/\\:*?"<>|]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

export function safeFileName(raw: string, maxLength = MAX_FILE_NAME_LENGTH): string {
  let name = raw.normalize('NFC').replace(CONTROL_OR_FORMAT, '').replace(FORBIDDEN, '_');
  name = name.replace(/\.{2,}/g, '.').replace(/\s+/g, ' ');
  // Leading dots hide files on Unix; trailing dots and spaces are dropped by Windows.
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (name.length === 0) name = 'file';
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  return truncateKeepingExtension(name, maxLength);
}

function truncateKeepingExtension(name: string, maxLength: number): string {
  const chars = [...name]; // by code point, so a surrogate pair is never split
  if (chars.length <= maxLength) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? [...name.slice(dot)] : [];
  if (extension.length > 0 && extension.length <= 16) {
    return (
      chars
        .slice(0, maxLength - extension.length)
        .join('')
        .replace(/[.\s]+$/, '') + extension.join('')
    );
  }
  return chars
    .slice(0, maxLength)
    .join('')
    .replace(/[.\s]+$/, '');
}

/** The extension alone, made safe; used where the name itself must not show (encrypted archives). */
export function safeExtension(raw: string): string {
  const name = safeFileName(raw);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return '';
  const extension = name.slice(dot + 1).toLowerCase();
  return /^[a-z0-9]{1,10}$/.test(extension) ? `.${extension}` : '';
}

/**
 * Hands out names that differ from every earlier one, compared without case: Windows and macOS
 * would extract two names differing only in case onto the same file.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  claim(path: string): string {
    let candidate = path;
    const dot = path.lastIndexOf('.');
    const slash = path.lastIndexOf('/');
    const [stem, extension] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n += 1) candidate = `${stem}-${n}${extension}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
