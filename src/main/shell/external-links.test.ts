import { describe, expect, it } from 'vitest';
import { createExternalOpener } from './external-links';

function setup(fail = false) {
  const opened: string[] = [];
  const warnings: string[] = [];
  const open = createExternalOpener(
    async (url) => {
      opened.push(url);
      if (fail) throw new Error('no handler');
    },
    { info: () => undefined, warn: (m) => warnings.push(m) },
  );
  return { open, opened, warnings };
}

describe('createExternalOpener', () => {
  it('passes a trusted https URL to the OS, normalised by the URL parser', () => {
    const { open, opened } = setup();
    expect(open('HTTPS://Example.COM/help?q=1')).toBe(true);
    expect(opened).toEqual(['https://example.com/help?q=1']);
  });

  it.each(['file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'ms-settings:', 'https://u:p@example.com/', '::::', 42])(
    'never hands %s to the OS',
    (url) => {
      const { open, opened, warnings } = setup();
      expect(open(url)).toBe(false);
      expect(opened).toEqual([]);
      expect(warnings).toHaveLength(1);
    },
  );

  it('logs the scheme of a refused URL but not the URL itself', () => {
    const { open, warnings } = setup();
    open('file:///home/alice/subject-export.csv');
    expect(warnings[0]).toContain('file:');
    expect(warnings[0]).not.toContain('alice');
  });

  it('reports an OS failure in the log instead of rejecting unhandled', async () => {
    const { open, opened, warnings } = setup(true);
    expect(open('https://example.com/')).toBe(true);
    // setImmediate runs after every pending microtask, so the rejection has been handled by then.
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toHaveLength(1);
    expect(warnings).toEqual(['the OS could not open the link']);
  });
});
