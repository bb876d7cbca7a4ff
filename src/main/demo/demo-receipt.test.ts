import { describe, expect, it } from 'vitest';
import { demoReceiptName, demoReceiptText, type DemoReceiptInput } from './demo-receipt';

const input: DemoReceiptInput = {
  reference: 'DSR-000011',
  regulation: 'GDPR',
  type: 'access',
  answeredAt: '2026-11-28T15:00:00.000Z',
  answeredBy: 'Dana Okafor',
  channel: 'email',
  archive: { exportId: 'exp_abc', sha256: 'a'.repeat(64) },
  letter: { subject: 'Your request DSR-000011', text: 'Dear Ada Example, …' },
};

describe('the demo access receipt', () => {
  it('is the same bytes for the same answer, and changes with the archive it vouches for', () => {
    expect(demoReceiptText({ ...input })).toBe(demoReceiptText(input));
    expect(demoReceiptText({ ...input, archive: { ...input.archive, sha256: 'b'.repeat(64) } })).not.toBe(demoReceiptText(input));
  });

  it('says it is demo data and keeps the letter by its hash only', () => {
    const text = demoReceiptText(input);
    const receipt = JSON.parse(text) as { demo: boolean; note: string; letter: { sha256: string } };
    expect(receipt.demo).toBe(true);
    expect(receipt.note).toMatch(/^Demo data/);
    expect(receipt.letter.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(text).not.toContain('Ada Example');
  });

  it('has a file name the backup accepts', () => {
    expect(demoReceiptName('DSR/000 11')).toBe('demo-access-receipt-DSR_000_11.json');
  });
});
