import { describe, expect, it } from 'vitest';
import { renderLetter, type LetterFields } from './letters';

const base: LetterFields = {
  organizationName: 'Acme Ltd',
  requesterName: 'Ada Example',
  reference: 'DSR-000001',
  requestType: 'access',
  regulation: 'GDPR',
  receivedOn: '2025-03-01',
  dueOn: '2025-04-01',
  extendedDueOn: '2025-06-02',
  extensionReason: 'Many tickets across three brands',
  denialReason: null,
  denialArticle: null,
  today: '2025-03-02',
  basis: 'GDPR Art. 12(3)',
};

describe('response letters', () => {
  it('fills the merge fields of an acknowledgement', () => {
    const letter = renderLetter('acknowledgement', base);
    expect(letter.subject).toBe('We received your access request (DSR-000001)');
    expect(letter.text).toContain('Dear Ada Example,');
    expect(letter.text).toContain('We will respond by 2025-04-01');
    expect(letter.text).toContain('General Data Protection Regulation');
    expect(letter.text).not.toMatch(/\{\{/);
  });

  it('escapes merge values in HTML but not in text', () => {
    const letter = renderLetter('extension', { ...base, requesterName: '<script>alert(1)</script> & "Bob"' });
    expect(letter.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bob&quot;');
    expect(letter.html).not.toContain('<script>');
    expect(letter.text).toContain('<script>alert(1)</script> & "Bob"');
    expect(letter.text).toContain('by 2025-06-02');
    expect(letter.text).toContain('GDPR Art. 12(3)');
  });

  it('marks missing values visibly instead of inventing them', () => {
    const letter = renderLetter('denial', { ...base, requesterName: null });
    expect(letter.text).toContain('Dear [requester name not recorded],');
    expect(letter.text).toContain('The reason is: [denial reason not recorded]');
    expect(letter.text).toContain('We rely on [article not recorded].');
    expect(letter.text).toContain('supervisory authority (GDPR Art. 77)');
  });

  it('names the remedy of each regulation', () => {
    expect(renderLetter('completion', { ...base, regulation: 'LGPD' }).text).toContain('ANPD');
    expect(renderLetter('completion', { ...base, regulation: 'UK_GDPR' }).text).toContain('Information Commissioner');
    expect(renderLetter('completion', { ...base, regulation: 'CCPA' }).text).toContain('California Privacy Protection Agency');
  });
});
