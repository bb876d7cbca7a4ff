import { describe, expect, it } from 'vitest';
import { MAX_FILE_NAME_LENGTH, UniqueNames, safeExtension, safeFileName } from './file-names';

describe('safeFileName', () => {
  it.each([
    ['../../etc/passwd', '_._etc_passwd'],
    ['..\\..\\windows\\system32', '_._windows_system32'],
    ['a\u0000b\u202Egnp.exe', 'abgnp.exe'],
    ['line\nbreak.txt', 'linebreak.txt'],
    ['  .hidden  ', 'hidden'],
    ['trailing dots...', 'trailing dots'],
    ['CON.txt', '_CON.txt'],
    ['nul', '_nul'],
    ['', 'file'],
    ['...', 'file'],
    ['what?*:<>|".pdf', 'what_______.pdf'],
    ['résumé.pdf', 'résumé.pdf'],
  ])('%j becomes %j', (raw, safe) => {
    expect(safeFileName(raw)).toBe(safe);
  });

  it('never contains a separator, "..", or a control character', () => {
    for (const raw of ['/..//../x', '..', 'a/../../b', '\\\\server\\share', 'x\u0007y']) {
      const name = safeFileName(raw);
      expect(name).not.toMatch(/[/\\]|\.\.|\p{Cc}/u);
    }
  });

  it('limits the length and keeps the extension', () => {
    const name = safeFileName(`${'x'.repeat(300)}.pdf`);
    expect([...name].length).toBe(MAX_FILE_NAME_LENGTH);
    expect(name.endsWith('.pdf')).toBe(true);
    const emoji = safeFileName('😀'.repeat(200));
    expect([...emoji].length).toBe(MAX_FILE_NAME_LENGTH);
    expect(Buffer.from(emoji, 'utf8').toString('utf8')).toBe(emoji); // no half surrogate pair
  });

  it('gives the extension alone for encrypted archives', () => {
    expect(safeExtension('Passport Ada Lovelace.PDF')).toBe('.pdf');
    expect(safeExtension('no extension')).toBe('');
    expect(safeExtension('x.<script>')).toBe('');
  });
});

describe('UniqueNames', () => {
  it('never hands out the same name twice, ignoring case', () => {
    const names = new UniqueNames();
    expect(names.claim('attachments/1/a-photo.png')).toBe('attachments/1/a-photo.png');
    expect(names.claim('attachments/1/A-Photo.PNG')).toBe('attachments/1/A-Photo-2.PNG');
    expect(names.claim('attachments/1/a-photo.png')).toBe('attachments/1/a-photo-3.png');
    expect(names.claim('attachments/1.x/noext')).toBe('attachments/1.x/noext');
    expect(names.claim('attachments/1.x/noext')).toBe('attachments/1.x/noext-2');
  });
});
