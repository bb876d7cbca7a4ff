import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip, writeZip } from '../../src/main/core/archive/testing/zip-files';
import { findIdentityKeysInText } from '../../src/sim/truth';
import { createSubjectsHarness, type SubjectsHarness } from '../support/subjects-harness';

let h: SubjectsHarness;
let workspaceId: string;
const SHEET = {
  purposes: 'Answering support requests.',
  categories: 'Contact details, tickets, comments, attachments.',
  recipients: 'Our helpdesk provider (processor).',
  retention: 'Three years after the last ticket.',
  rights: 'Rectification, erasure, restriction, objection, portability.',
  complaint: 'You may complain to your supervisory authority.',
  source: 'You, and our agents.',
  automatedDecisions: 'None.',
};

beforeAll(async () => {
  h = await createSubjectsHarness();
  workspaceId = h.sync.workspaceId;
  const set = await h.sync.ctx.call('settings.set', { informationSheet: SHEET });
  if (!set.ok) throw new Error(set.error.message);
}, 120_000);
afterAll(async () => h?.dispose());

const ds = () => h.sync.sim.dataset;
const endUsers = () => Array.from({ length: ds().userCount }, (_, i) => i).filter((i) => !ds().isAgentIndex(i));

/**
 * Every address and number of every helpdesk account that is not one of the subject's confirmed
 * accounts, in the shapes people write them, read from the simulator (the helpdesk's own users).
 * A value the subject's accounts hold too (a landline two people share) is the subject's own.
 */
function othersContacts(accounts: Set<number>): { emails: string[]; phoneKeys: Set<string>; phoneShapes: string[] } {
  const own = new Set<string>();
  for (const id of accounts)
    for (const identity of h.sync.sim.state.userView(id)?.rec.identities ?? [])
      own.add(identity.value.toLowerCase().replace(/[^a-z0-9@.]/g, ''));
  const emails: string[] = [];
  const phoneKeys = new Set<string>();
  const phoneShapes: string[] = [];
  for (let i = 0; i < ds().userCount; i++) {
    if (accounts.has(ds().userId(i))) continue;
    const view = h.sync.sim.state.userView(ds().userId(i));
    for (const identity of view?.rec.identities ?? []) {
      if (own.has(identity.value.toLowerCase().replace(/[^a-z0-9@.]/g, ''))) continue;
      if (identity.type === 'email') emails.push(identity.value.toLowerCase());
      else {
        phoneKeys.add(`p:${identity.value.replace(/\D/g, '')}`);
        for (let f = 0; f < 4; f++) phoneShapes.push(ds().formatPhone(identity.value, f));
      }
    }
  }
  return { emails, phoneKeys, phoneShapes };
}

async function exportFor(userId: number, kind: 'access' | 'portability', password?: string) {
  return h.call('archives.export', { workspaceId, ref: `subj_${userId}`, kind, regulation: 'GDPR', ...(password ? { password } : {}) });
}

describe('archive export through the operation', () => {
  it('every export is an audit entry naming the officer, the request and the ZIP hash, with no personal data', async () => {
    const userId = ds().userId(endUsers()[0]!);
    const created = await h.sync.ctx.call('requests.create', {
      workspaceId,
      type: 'access',
      regulation: 'GDPR',
      receivedAt: new Date().toISOString(),
      channel: 'email',
      requester: { name: 'Audit Person', email: 'audit.person@example.test' },
      subjectId: userId,
    });
    if (!created.ok) throw new Error(created.error.message);
    const requestId = created.value.id;
    const record = (await h.call('archives.export', {
      workspaceId,
      ref: `subj_${userId}`,
      kind: 'portability',
      requestId,
      actor: 'Officer Ada',
    })) as { exportId: string; sha256: string };
    const listed = await h.sync.ctx.call('audit.list', { workspaceId, action: 'archive.exported' });
    if (!listed.ok) throw new Error(listed.error.message);
    const entry = listed.value.entries.find((e) => e.data.exportId === record.exportId);
    expect(entry).toMatchObject({ actor: 'Officer Ada', requestId, data: { kind: 'portability', sha256: record.sha256 } });
    // The subject is a keyed hash; the facts hold no address, phone or name.
    expect(entry?.subjectRef).toMatch(/^[0-9a-f]{16,}$/);
    expect(JSON.stringify(entry)).not.toMatch(/@|Audit Person/);
    // The request lists the archive it answered with, by id and hash.
    const got = await h.sync.ctx.call('requests.get', { workspaceId, id: requestId });
    if (!got.ok) throw new Error(got.error.message);
    expect(got.value.request.links).toContainEqual(
      expect.objectContaining({ kind: 'archive', ref: record.exportId, sha256: record.sha256 }),
    );
  });

  it('refuses an access archive while the information sheet is incomplete', async () => {
    expect((await h.sync.ctx.call('settings.set', { informationSheet: { retention: '' } })).ok).toBe(true);
    const result = await h.callResult('archives.export', { workspaceId, ref: `subj_${ds().userId(endUsers()[0]!)}`, kind: 'access' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'information_sheet_incomplete', missing: 'retention' } },
    });
    // The CLI prints this message as is: it names the empty section by its article.
    expect(result.ok ? '' : result.error.message).toContain('Art. 15(1)(d)');
    expect((await h.sync.ctx.call('settings.set', { informationSheet: SHEET })).ok).toBe(true);
  });

  it("every end user's access and portability archives verify and hold no other person's email or phone", async () => {
    let scanned = 0;
    let attachments = 0;
    for (const i of endUsers()) {
      const userId = ds().userId(i);
      // Nobody confirmed a link here: the person is the requested account alone, whoever shares a number with it.
      const dossier = await h.call('subjects.show', { workspaceId, ref: `subj_${userId}` });
      expect(dossier.accounts.map((a) => a.userId)).toEqual([userId]);
      const others = othersContacts(new Set([userId]));
      for (const kind of ['access', 'portability'] as const) {
        const record = await exportFor(userId, kind);
        attachments += record.attachments;
        // Nothing is cached locally in this test: every attachment came through the helpdesk API.
        expect(record.attachmentsUnavailable).toBe(0);
        expect(record.path.startsWith(join(h.sync.ctx.dataDir, 'exports'))).toBe(true);
        const verified = await h.call('archives.verify', { exportId: record.exportId });
        expect(verified, `${kind} of ${userId}`).toMatchObject({ ok: true, problems: [], sha256: record.sha256, size: record.size });
        const files = await readZip(record.path);
        expect(files.has('manifest.json')).toBe(true);
        expect(files.has('index.html')).toBe(true);
        expect(files.has('data/profile.json') && files.has('data/profile.csv')).toBe(true);
        if (kind === 'access') expect(files.has('information-sheet.html')).toBe(true);
        for (const [name, bytes] of files) {
          const text = bytes.toString('latin1');
          const lower = text.toLowerCase();
          for (const email of others.emails) expect(lower.includes(email), `${email} in ${name} (${kind}, ${userId})`).toBe(false);
          for (const shape of others.phoneShapes) expect(text.includes(shape), `${shape} in ${name} (${kind}, ${userId})`).toBe(false);
          for (const key of findIdentityKeysInText(text))
            expect(others.phoneKeys.has(key), `${key} in ${name} (${kind}, ${userId})`).toBe(false);
          scanned += 1;
        }
      }
    }
    expect(scanned).toBeGreaterThan(200);
    expect(attachments).toBeGreaterThan(0);
  }, 120_000);

  it("access archives count the dossier's mentions on other tickets as excluded, and show replies to the subject", async () => {
    let withMentions = 0;
    let replies = 0;
    for (const i of endUsers()) {
      const userId = ds().userId(i);
      const dossier = await h.call('subjects.show', { workspaceId, ref: `subj_${userId}` });
      const elsewhere = dossier.mentions.filter((m) => !m.alsoParticipant).reduce((n, m) => n + m.commentIds.length, 0);
      const files = await readZip((await exportFor(userId, 'access')).path);
      const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as {
        exclusions: Array<{ category: string; count: number }>;
      };
      const counted = manifest.exclusions.find((e) => e.category === 'mentions_on_other_tickets')?.count ?? 0;
      expect(counted, `mentions of ${userId}`).toBe(elsewhere);
      if (elsewhere > 0) withMentions += 1;
      const comments = JSON.parse(files.get('data/comments.json')!.toString('utf8')) as Array<{ author: string; withheld: boolean }>;
      replies += comments.filter((c) => c.author !== 'you' && !c.withheld).length;
    }
    expect(withMentions).toBeGreaterThan(0);
    expect(replies).toBeGreaterThan(0);
  }, 120_000);

  it('portability holds only what the subject provided', async () => {
    const i = endUsers().find(
      (i) =>
        h.sync.sim.groundTruth(ds().userId(i)).tickets.some((t) => t.roles.includes('commenter')) &&
        h.sync.sim.groundTruth(ds().userId(i)).tickets.some((t) => !t.roles.includes('submitter')),
    )!;
    const userId = ds().userId(i);
    const dossier = await h.call('subjects.show', { workspaceId, ref: `subj_${userId}` });
    const accounts = new Set(dossier.accounts.map((a) => a.userId));
    const record = await exportFor(userId, 'portability');
    const files = await readZip(record.path);
    expect([...files.keys()].some((n) => n.startsWith('data/organizations'))).toBe(false);
    expect(files.has('information-sheet.html')).toBe(false);
    const comments = JSON.parse(files.get('data/comments.json')!.toString('utf8')) as Array<{
      author: string;
      authorUserId: number | string;
    }>;
    expect(comments.length).toBe(dossier.comments.length);
    for (const c of comments) {
      expect(c.author).toBe('you');
      expect(accounts.has(Number(c.authorUserId))).toBe(true);
    }
    const tickets = JSON.parse(files.get('data/tickets.json')!.toString('utf8')) as Array<{ id: string | number }>;
    const submitted = dossier.tickets.filter((t) => t.roles.includes('submitter')).map((t) => t.id);
    expect(tickets.map((t) => Number(t.id)).sort()).toEqual(submitted.sort());
    const attachments = JSON.parse(files.get('data/attachments.json')!.toString('utf8')) as Array<{ id: string | number }>;
    const own = dossier.attachments.filter((a) => a.uploadedBySubject).map((a) => a.id);
    expect(attachments.map((a) => Number(a.id)).sort()).toEqual(own.sort());
  });

  it('an encrypted archive verifies with its passphrase only', async () => {
    const userId = ds().userId(endUsers()[1]!);
    const record = await exportFor(userId, 'access', 'correct horse battery');
    expect(record.encrypted).toBe(true);
    expect(await h.call('archives.verify', { exportId: record.exportId, password: 'correct horse battery' })).toMatchObject({ ok: true });
    expect(await h.callResult('archives.verify', { exportId: record.exportId })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('verify detects tampering, and the exports are listed and can be deleted', async () => {
    const userId = ds().userId(endUsers()[2]!);
    const record = await exportFor(userId, 'access');
    const files = await readZip(record.path);
    const comments = files.get('data/comments.json')!;
    files.set('data/comments.json', Buffer.concat([comments, Buffer.from(' ')]));
    const tampered = join(h.sync.ctx.dataDir, 'tampered.zip');
    await writeZip(tampered, files);
    const outcome = await h.call('archives.verify', { path: tampered });
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toContainEqual({ file: 'data/comments.json', problem: 'size_mismatch' });

    // A flipped byte inside the file itself: the ZIP is no longer what the manifest says.
    const bytes = await readFile(record.path);
    // The first entry's data starts after its local header (30 bytes), its name and its extra field.
    const dataStart = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28);
    bytes[dataStart + 5] = bytes[dataStart + 5]! ^ 0xff;
    await writeFile(record.path, bytes);
    const flipped = await h.call('archives.verify', { exportId: record.exportId });
    expect(flipped.ok).toBe(false);
    expect(flipped.problems[0]?.problem).toBe('hash_mismatch');

    const listed = await h.call('archives.list', { workspaceId });
    expect(listed.exports.some((e) => e.exportId === record.exportId)).toBe(true);
    await h.call('archives.delete', { exportId: record.exportId });
    expect((await h.call('archives.list', { workspaceId })).exports.some((e) => e.exportId === record.exportId)).toBe(false);
    expect(await h.callResult('archives.verify', { exportId: record.exportId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('an unknown subject is not_found and a relative path is refused', async () => {
    expect(await h.callResult('archives.export', { workspaceId, ref: 'subj_999999999', kind: 'access' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await h.callResult('archives.verify', { path: 'relative.zip' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
