import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LetheError } from '../../../shared/errors';
import type { ArchiveInputDraft, AttachmentSource } from './input';
import { manifestSchema, type Manifest } from './manifest';
import { CSV_COLUMNS } from './record-files';
import { ATTACHMENT_SIZES, OTHERS, OTHER_NAMES, OWN, attachmentBytes, fixtureInput, sha256Of } from './testing/fixture';
import { parseCsv, readZip } from './testing/zip-files';
import { verifyArchive } from './verify-archive';
import { writeArchive, type ArchiveProgress, type WriteArchiveOptions } from './write-archive';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lethe-archive-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function build(overrides: Partial<ArchiveInputDraft> = {}, options: Partial<WriteArchiveOptions> = {}) {
  const target = join(dir, 'out.zip');
  const result = await writeArchive(fixtureInput(overrides), { targetPath: target, ...options });
  const files = await readZip(target, options.password);
  return { result, files, target };
}

type Records = Record<string, unknown>[];
const json = <T = Records>(files: Map<string, Buffer>, path: string): T => JSON.parse(files.get(path)!.toString('utf8')) as T;
const texts = (files: Map<string, Buffer>) =>
  [...files].filter(([path]) => !path.startsWith('attachments/')).map(([path, bytes]) => [path, bytes.toString('utf8')] as const);

/** Written independently of the redactor: any run of digits and separators that ends in a number's last seven digits. */
function leakedContacts(text: string): string[] {
  const leaks = OTHERS.emails.filter((email) => text.toLowerCase().includes(email.toLowerCase()));
  const runs = [...text.matchAll(/[+(]?\d[\d\s().\-/]*\d/g)].map((m) => m[0].replace(/\D/g, ''));
  for (const phone of OTHERS.phones) {
    const tail = phone.replace(/\D/g, '').slice(-7);
    if (runs.some((digits) => digits.includes(tail))) leaks.push(phone);
  }
  return leaks;
}

describe('access archive', () => {
  it('has the manifest, a JSON and a CSV per record type, the attachments, the overview and the information sheet', async () => {
    const { files } = await build();
    expect([...files.keys()].sort()).toEqual(
      [
        'attachments/501/a1-photo.png',
        'attachments/501/a2-notes.txt',
        'attachments/503/a4-_._etc_passwdgnp.exe',
        ...['profile', 'identities', 'organizations', 'tickets', 'comments', 'attachments'].flatMap((t) => [
          `data/${t}.json`,
          `data/${t}.csv`,
        ]),
        'index.html',
        'information-sheet.html',
        'information-sheet.txt',
        'manifest.json',
      ].sort(),
    );
  });

  it('lists every other file in the manifest with its real size and SHA-256, and returns the hash of the whole ZIP', async () => {
    const { result, files, target } = await build();
    const manifest = manifestSchema.parse(json<Manifest>(files, 'manifest.json'));
    expect(manifest.files.map((f) => f.path).sort()).toEqual([...files.keys()].filter((p) => p !== 'manifest.json').sort());
    for (const file of manifest.files) {
      const bytes = files.get(file.path)!;
      expect({ path: file.path, size: bytes.length, sha256: sha256(bytes) }).toEqual(file);
    }
    expect(manifest).toMatchObject({
      kind: 'access',
      regulation: 'GDPR',
      subjectRef: 'subj_7f3a9c2e',
      requestId: 'req_0042',
      letheVersion: '0.1.0-test',
      encrypted: false,
    });
    expect(manifest.generatedAt).toBe('2025-03-04T10:00:00.000Z');
    expect(manifest.dataAsOf).toBe('2025-03-04T09:30:00.000Z');
    expect(manifest.workspace).toEqual({ id: 'ws_acme12345', name: 'Acme Support', baseUrl: 'https://acme.zendesk.example' });
    expect(manifest.counts).toEqual({
      profiles: 2,
      identities: 4,
      organizations: 1,
      tickets: 3,
      comments: 5,
      commentsWithheld: 1,
      attachments: 3,
      attachmentsUnavailable: 1,
      attachmentBytes: ATTACHMENT_SIZES.a1! + ATTACHMENT_SIZES.a2! + ATTACHMENT_SIZES.a4!,
    });
    expect(result.manifest).toEqual(manifest);
    const onDisk = await readFile(target);
    expect(result.sha256).toBe(sha256(onDisk));
    expect(result.size).toBe(onDisk.length);
    // The manifest names the subject only by reference.
    const text = JSON.stringify(manifest);
    for (const personal of ['Ada', 'Lovelace', ...OWN.emails, '7946 0001']) expect(text).not.toContain(personal);
  });

  it("holds the subject's attachments byte for byte and leaves out other people's and unavailable ones", async () => {
    const { files } = await build();
    expect(sha256(files.get('attachments/501/a1-photo.png')!)).toBe(await sha256Of('a1'));
    expect(sha256(files.get('attachments/501/a2-notes.txt')!)).toBe(await sha256Of('a2'));
    expect(sha256(files.get('attachments/503/a4-_._etc_passwdgnp.exe')!)).toBe(await sha256Of('a4'));
    expect([...files.keys()].some((p) => p.includes('a3') || p.includes('carol'))).toBe(false);
    const index = json(files, 'data/attachments.json');
    expect(index.map((a) => [a.id, a.included, a.path])).toEqual([
      ['a1', true, 'attachments/501/a1-photo.png'],
      ['a2', true, 'attachments/501/a2-notes.txt'],
      ['a4', true, 'attachments/503/a4-_._etc_passwdgnp.exe'],
      ['a5', false, null],
    ]);
    const exclusions = json<Manifest>(files, 'manifest.json').exclusions;
    expect(exclusions).toContainEqual(expect.objectContaining({ category: 'attachments_by_others', count: 1 }));
    expect(exclusions).toContainEqual(expect.objectContaining({ category: 'attachments_unavailable', count: 1 }));
  });

  it("shows replies to the subject with other people's details masked, withholds internal notes and descriptions others wrote", async () => {
    const { files } = await build();
    const comments = json(files, 'data/comments.json');
    expect(comments.map((c) => [c.id, c.author, c.withheld])).toEqual([
      ['c1', 'you', false],
      ['c2', 'agent', false],
      ['c3', 'other requester', false],
      ['c4', 'you', false],
      ['c5', 'you', false],
      ['c6', 'agent', true],
    ]);
    const c2 = comments.find((c) => c.id === 'c2')!;
    expect(c2.body).toBe('Dear Ada, [redacted name] here, [redacted email]');
    expect(c2.authorUserId).toBeNull();
    expect(comments.find((c) => c.id === 'c3')!.body).toBe("[redacted name]'s own story, call [redacted phone]");
    expect(comments.find((c) => c.id === 'c6')!.body).toBe(
      'comment by agent on 2025-02-16, content withheld to protect others (Art. 15(4))',
    );
    const tickets = json(files, 'data/tickets.json');
    const shared = tickets.find((t) => t.id === '502')!;
    expect(shared).toMatchObject({
      description: null,
      descriptionWithheld: true,
      yourRoles: ['cc', 'commenter'],
      otherParticipants: ['other requester', 'agent'],
    });
    for (const [path, text] of texts(files)) {
      for (const secret of [...OTHER_NAMES, 'Carol wrote this description']) expect(text, path).not.toContain(secret);
    }
    expect(files.get('data/comments.json')!.toString()).not.toContain('Agent internal remark about Ada');
    const exclusions = json<Manifest>(files, 'manifest.json').exclusions.map((e) => [e.category, e.count]);
    expect(exclusions).toContainEqual(['internal_notes_by_others', 1]);
    expect(exclusions).toContainEqual(['ticket_descriptions_by_others', 1]);
  });

  it("masks other people's emails and phone numbers in the subject's text and keeps the subject's own", async () => {
    const { files } = await build();
    const c1 = json(files, 'data/comments.json').find((c) => c.id === 'c1')!;
    expect(c1.body).toBe(
      'Hi, my number is +44 20 7946 0001 (mine). [redacted name] said ring [redacted phone] or email [redacted email].\n[redacted name]: [redacted phone], or [redacted phone]\n2 invoices attached.',
    );
    const c4 = json(files, 'data/comments.json').find((c) => c.id === 'c4')!;
    expect(c4.body).toBe(
      "Same here. [redacted name]'s number is [redacted phone] and [redacted name] is [redacted email]; I'm on ada@example.org.",
    );
    const t501 = json(files, 'data/tickets.json').find((t) => t.id === '501')!;
    expect(t501.description).toBe('My colleague [redacted email] said to call [redacted phone] about it.');
    const profiles = json(files, 'data/profile.json');
    expect(profiles.map((p) => p.email)).toEqual(OWN.emails);
    expect(profiles[0]!.phone).toBe(OWN.phone);
    const exclusions = json<Manifest>(files, 'manifest.json').exclusions.map((e) => [e.category, e.count]);
    expect(exclusions).toContainEqual(['email_addresses_of_others', 6]);
    expect(exclusions).toContainEqual(['phone_numbers_of_others', 8]);
    expect(exclusions).toContainEqual(['names_of_others', expect.any(Number)]);
  });

  it.each(['access', 'portability'] as const)(
    '%s: no email or phone number of another person appears anywhere in the archive',
    async (kind) => {
      const { files } = await build({ kind });
      const found = texts(files).flatMap(([path, text]) => leakedContacts(text).map((leak) => `${path}: ${leak}`));
      expect(found).toEqual([]);
      // The scan itself can fail: the fixture's raw input does hold every one of them.
      expect(leakedContacts(JSON.stringify(fixtureInput()))).toEqual(expect.arrayContaining([...OTHERS.emails, ...OTHERS.phones]));
    },
  );

  it('lists the mentions of the subject on other tickets as excluded, with the reason', async () => {
    const { files } = await build({ mentionsLeftOut: 2 });
    const exclusion = json<Manifest>(files, 'manifest.json').exclusions.find((e) => e.category === 'mentions_on_other_tickets');
    expect(exclusion).toMatchObject({ count: 2, reason: expect.stringContaining('quote your email address or phone number') });
    expect(files.get('index.html')!.toString('utf8')).toContain('mentions on other tickets');
  });

  it("labels the profile with words, not the data files' field names", async () => {
    const html = (await build()).files.get('index.html')!.toString('utf8');
    for (const label of ['Account number', 'Created', 'Time zone', 'Email address']) expect(html).toContain(`<dt>${label}</dt>`);
    for (const raw of ['userId', 'createdAt', 'timeZone', 'organizationIds', 'userFields']) expect(html).not.toContain(`<dt>${raw}</dt>`);
  });

  it('names the organisation from Settings as the holder, never the helpdesk URL, and falls back to the helpdesk name', async () => {
    const named = await build({ controllerName: 'Acme Ltd' });
    const html = named.files.get('index.html')!.toString('utf8');
    expect(html).toContain('<dt>Held by</dt><dd>Acme Ltd</dd>');
    expect(named.files.get('information-sheet.html')!.toString('utf8')).toContain('held by Acme Ltd');
    for (const path of ['index.html', 'information-sheet.html'])
      expect(named.files.get(path)!.toString('utf8')).not.toContain('acme.zendesk.example');
    const unnamed = (await build()).files.get('index.html')!.toString('utf8');
    expect(unnamed).toContain('<dt>Held by</dt><dd>Acme Support</dd>');
  });

  it('writes an index.html that is self-contained, runs nothing and escapes hostile text', async () => {
    const { files } = await build();
    const html = files.get('index.html')!.toString('utf8');
    expect(html).toContain('Refund for order 12345 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son\w+=/i);
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).toContain('http-equiv="Content-Security-Policy" content="default-src \'none\'');
    expect(html).not.toContain('\u202E');
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(hrefs.length).toBeGreaterThan(10);
    for (const href of hrefs) {
      if (href.startsWith('#')) {
        expect(html, href).toContain(`id="${href.slice(1)}"`);
        continue;
      }
      expect(href).not.toMatch(/^[a-z]+:|^\/\//i);
      expect(files.has(decodeURIComponent(href)), href).toBe(true);
    }
    for (const type of ['profile', 'identities', 'organizations', 'tickets', 'comments', 'attachments']) {
      expect(hrefs).toContain(`data/${type}.json`);
      expect(hrefs).toContain(`data/${type}.csv`);
    }
    expect(hrefs).toEqual(
      expect.arrayContaining(['attachments/501/a1-photo.png', 'attachments/503/a4-_._etc_passwdgnp.exe', 'information-sheet.html']),
    );
    expect(html).toContain('comment by agent on 2025-02-16, content withheld to protect others (Art. 15(4))');
  });

  it('writes RFC 4180 CSV with a BOM, the same records as the JSON, and spreadsheet formulas neutralised', async () => {
    const { files } = await build();
    for (const type of ['profile', 'identities', 'organizations', 'tickets', 'comments', 'attachments'] as const) {
      const raw = files.get(`data/${type}.csv`)!.toString('utf8');
      expect(raw.startsWith('\uFEFF')).toBe(true);
      const [header, ...rows] = parseCsv(raw.slice(1));
      expect(header).toEqual(CSV_COLUMNS.access[type]);
      expect(rows).toHaveLength(json(files, `data/${type}.json`).length);
    }
    const [header, ...tickets] = parseCsv(files.get('data/tickets.csv')!.toString('utf8').slice(1));
    const t503 = Object.fromEntries(header!.map((h, i) => [h, tickets[2]![i]]));
    expect(t503.subjectLine).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(t503.description).toBe("'+cmd|' /C calc'!A0");
    const [commentHeader, ...comments] = parseCsv(files.get('data/comments.csv')!.toString('utf8').slice(1));
    const body = commentHeader!.indexOf('body');
    expect(comments.find((r) => r[0] === 'c5')![body]).toBe("'=SUM(A1:A2) and\t@evil -1+1");
    // The machine-readable JSON keeps the subject's text exactly.
    expect(json(files, 'data/tickets.json')[2]!.subjectLine).toBe('=HYPERLINK("http://evil.example","click")');
  });

  it('has the same columns in each CSV as the keys of each JSON record, for both kinds', async () => {
    for (const kind of ['access', 'portability'] as const) {
      const { files } = await build({ kind });
      for (const [type, columns] of Object.entries(CSV_COLUMNS[kind])) {
        for (const record of json(files, `data/${type}.json`)) expect(Object.keys(record), `${kind} ${type}`).toEqual(columns);
      }
    }
  });

  it('writes the Art. 15(1)(a)-(h) information sheet as HTML and text, escaped', async () => {
    const { files } = await build();
    const html = files.get('information-sheet.html')!.toString('utf8');
    const txt = files.get('information-sheet.txt')!.toString('utf8');
    for (const letter of 'abcdefgh') {
      expect(html).toContain(`Art. 15(1)(${letter})`);
      expect(txt).toContain(`Art. 15(1)(${letter})`);
    }
    expect(html).toContain('Customer support &lt;b&gt;and&lt;/b&gt; billing.');
    expect(txt).toContain('Customer support <b>and</b> billing.');
    expect(html).toContain('Zendesk Inc. (processor, USA, SCCs).');
    expect(html).not.toMatch(/<script/i);
  });

  it('reports progress up to the totals', async () => {
    const events: ArchiveProgress[] = [];
    const { files } = await build({}, { onProgress: (p) => events.push({ ...p }) });
    expect(events.length).toBeGreaterThan(3);
    for (let i = 1; i < events.length; i += 1) {
      expect(events[i]!.bytes).toBeGreaterThanOrEqual(events[i - 1]!.bytes);
      expect(events[i]!.files).toBeGreaterThanOrEqual(events[i - 1]!.files);
      expect(events[i]!.bytes).toBeLessThanOrEqual(events[i]!.totalBytes);
    }
    const last = events.at(-1)!;
    expect(last.files).toBe(files.size);
    expect(last.totalFiles).toBe(files.size);
    expect(last.bytes).toBe(last.totalBytes);
    const contentBytes = [...files].filter(([p]) => p !== 'manifest.json').reduce((sum, [, b]) => sum + b.length, 0);
    expect(last.bytes).toBe(contentBytes);
  });

  it("can be read by Python's zipfile with every CRC correct", async () => {
    const { target, files } = await build();
    const out = execFileSync(
      'python3',
      ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(z.testzip(), len(z.namelist()))', target],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe(`None ${files.size}`);
  });

  it('is read by unzip with every CRC correct', async () => {
    const { target, files } = await build();
    const out = execFileSync('unzip', ['-t', target], { encoding: 'utf8' });
    expect(out).toContain('No errors detected');
    expect(out.match(/ OK$/gm)?.length).toBe(files.size);
  });

  it('in its ZIP64 form is read by Python, unzip and zip.js alike, and verifies against its manifest', async () => {
    const plain = await build();
    const plainEntries = [...plain.files].map(([path, bytes]) => [path, sha256(bytes)]);
    const target = join(dir, 'zip64.zip');
    const result = await writeArchive(fixtureInput(), { targetPath: target, zip64ForTests: true });
    const bytes = await readFile(target);
    // The ZIP64 end of central directory record and its locator are there, and the classic end
    // record points readers at them (0xFFFF entries, 0xFFFFFFFF offset).
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBeGreaterThan(0);
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBeGreaterThan(0);
    const end = bytes.subarray(bytes.length - 22);
    expect(end.readUInt32LE(0)).toBe(0x06054b50);
    expect(end.readUInt16LE(10)).toBe(0xffff);
    expect(end.readUInt32LE(16)).toBe(0xffffffff);

    const files = await readZip(target);
    expect([...files].map(([path, b]) => [path, sha256(b)])).toEqual(plainEntries);
    const python = execFileSync(
      'python3',
      [
        '-c',
        'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(z.testzip(), len(z.namelist()), sum(i.file_size for i in z.infolist()))',
        target,
      ],
      { encoding: 'utf8' },
    );
    expect(python.trim()).toBe(`None ${files.size} ${[...files.values()].reduce((sum, b) => sum + b.length, 0)}`);
    expect(execFileSync('unzip', ['-t', target], { encoding: 'utf8' })).toContain('No errors detected');
    const verified = await verifyArchive(target);
    expect(verified).toMatchObject({ ok: true, problems: [] });
    expect(verified.checked).toBe(result.manifest.files.length);
  });
});

describe('attachment sources', () => {
  it('reads a web ReadableStream and a Node file stream as well as an async generator', async () => {
    const file = join(dir, 'a4.bin');
    const chunks: Uint8Array[] = [];
    for await (const chunk of attachmentBytes('a4', ATTACHMENT_SIZES.a4!)) chunks.push(chunk);
    await writeFile(file, Buffer.concat(chunks));
    const openAttachment = async (id: string): Promise<AttachmentSource | null> => {
      if (id === 'a1') return ReadableStream.from(attachmentBytes('a1', ATTACHMENT_SIZES.a1!)) as ReadableStream<Uint8Array>;
      if (id === 'a4') return createReadStream(file);
      return id === 'a2' ? attachmentBytes('a2', ATTACHMENT_SIZES.a2!) : null;
    };
    const { files } = await build({ openAttachment });
    expect(sha256(files.get('attachments/501/a1-photo.png')!)).toBe(await sha256Of('a1'));
    expect(sha256(files.get('attachments/503/a4-_._etc_passwdgnp.exe')!)).toBe(await sha256Of('a4'));
  });
});

describe('portability archive', () => {
  it('holds only what the subject provided: profile, identities, tickets they opened, their comments and uploads', async () => {
    const { files } = await build({ kind: 'portability' });
    const paths = [...files.keys()];
    expect(paths.filter((p) => p.startsWith('data/')).sort()).toEqual(
      ['profile', 'identities', 'tickets', 'comments', 'attachments'].flatMap((t) => [`data/${t}.json`, `data/${t}.csv`]).sort(),
    );
    expect(paths).toContain('README.txt');
    expect(paths).not.toContain('information-sheet.html');
    expect(paths.filter((p) => p.startsWith('attachments/')).sort()).toEqual([
      'attachments/501/a1-photo.png',
      'attachments/501/a2-notes.txt',
      'attachments/503/a4-_._etc_passwdgnp.exe',
    ]);

    const profiles = json(files, 'data/profile.json');
    expect(profiles[0]).toEqual({
      userId: '1001',
      name: 'Ada Lovelace',
      email: OWN.emails[0],
      phone: OWN.phone,
      locale: 'en-GB',
      timeZone: 'Europe/London',
      createdAt: '2020-01-01T00:00:00Z',
    });
    expect(json(files, 'data/identities.json')).toHaveLength(4);
    expect(json(files, 'data/tickets.json')).toEqual([
      {
        id: '501',
        subjectLine: 'Refund for order 12345 <script>alert(1)</script>',
        description: 'My colleague [redacted email] said to call [redacted phone] about it.',
        createdAt: '2025-01-10T09:00:00Z',
      },
      {
        id: '503',
        subjectLine: '=HYPERLINK("http://evil.example","click")',
        description: "+cmd|' /C calc'!A0",
        createdAt: '2025-02-15T08:00:00Z',
      },
    ]);
    const comments = json(files, 'data/comments.json');
    expect(comments.map((c) => c.id)).toEqual(['c1', 'c4', 'c5']);
    expect(comments.every((c) => c.withheld === false && c.author === 'you')).toBe(true);

    const all = texts(files)
      .map(([, t]) => t)
      .join('\n');
    for (const kept of ['Agent internal remark', 'Analytical Engines', 'vip', 'content withheld', 'Outage report'])
      expect(all).not.toContain(kept);

    const manifest = json<Manifest>(files, 'manifest.json');
    expect(manifest.kind).toBe('portability');
    expect(manifest.counts).toMatchObject({ profiles: 2, organizations: 0, tickets: 2, comments: 3, commentsWithheld: 0, attachments: 3 });
    expect(manifest.exclusions.map((e) => [e.category, e.count])).toEqual(
      expect.arrayContaining([
        ['profile_fields', 2],
        ['organizations', 1],
        ['tickets_not_written_by_you', 1],
        ['ticket_metadata', 2],
        ['comments_by_others', 3],
        ['attachments_by_others', 1],
      ]),
    );
    for (const e of manifest.exclusions) expect(e.reason.length).toBeGreaterThan(10);
    const readme = files.get('README.txt')!.toString('utf8');
    expect(readme).toContain('GDPR Art. 20');
    expect(readme).toContain('Art. 20(2)');
    expect(readme).toContain('Art. 20(4)');
  });
});

describe('encryption', () => {
  const password = 'correct horse battery';

  it('encrypts every entry with AES-256, opens with the passphrase, and hides file names', async () => {
    const { files, target } = await build({}, { password });
    expect(sha256(files.get('attachments/501/a1.png')!)).toBe(await sha256Of('a1'));
    expect([...files.keys()].filter((p) => p.startsWith('attachments/')).sort()).toEqual([
      'attachments/501/a1.png',
      'attachments/501/a2.txt',
      'attachments/503/a4.exe',
    ]);
    expect(json<Manifest>(files, 'manifest.json').encrypted).toBe(true);
    expect(json(files, 'data/attachments.json')[0]!.fileName).toBe('photo.png');
    await expect(readZip(target)).rejects.toThrow();
    await expect(readZip(target, 'wrong passphrase!!')).rejects.toThrow();
    const raw = await readFile(target);
    for (const plain of ['Ada Lovelace', 'comment by agent', 'photo', 'Refund']) expect(raw.includes(Buffer.from(plain))).toBe(false);
  });

  it('refuses a passphrase shorter than 12 characters before writing anything', async () => {
    const error = await writeArchive(fixtureInput(), { targetPath: join(dir, 'out.zip'), password: 'short pass1' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LetheError);
    expect((error as LetheError).code).toBe('invalid_input');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('atomic writing', () => {
  const previous = 'the previous archive';

  async function interrupted(openAttachment: (id: string) => Promise<AttachmentSource | null>, signal?: AbortSignal) {
    const target = join(dir, 'out.zip');
    await writeFile(target, previous);
    const error = await writeArchive(fixtureInput({ openAttachment }), { targetPath: target, ...(signal ? { signal } : {}) }).catch(
      (e: unknown) => e,
    );
    return { error, target };
  }

  it('on abort mid-write removes the temporary file and leaves the previous archive untouched', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const { error, target } = await interrupted(async (id) => {
      if (id !== 'a1') return attachmentBytes(id, ATTACHMENT_SIZES[id]!);
      return (async function* () {
        for await (const chunk of attachmentBytes('a1', ATTACHMENT_SIZES.a1!)) {
          chunks += 1;
          if (chunks === 3) controller.abort();
          yield chunk;
        }
      })();
    }, controller.signal);
    expect(error).toBeInstanceOf(LetheError);
    expect((error as LetheError).code).toBe('cancelled');
    expect(chunks).toBeGreaterThanOrEqual(3);
    expect(chunks).toBeLessThan(10);
    expect(await readFile(target, 'utf8')).toBe(previous);
    expect(await readdir(dir)).toEqual(['out.zip']);
  });

  it('on a failing attachment stream removes the temporary file and leaves the previous archive untouched', async () => {
    const { error, target } = await interrupted(async (id) =>
      (async function* () {
        yield* attachmentBytes(id, 100_000);
        throw new Error('disk went away');
      })(),
    );
    expect((error as Error).message).toBe('disk went away');
    expect(await readFile(target, 'utf8')).toBe(previous);
    expect(await readdir(dir)).toEqual(['out.zip']);
  });

  it('refuses to start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await writeArchive(fixtureInput(), { targetPath: join(dir, 'out.zip'), signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect((error as LetheError).code).toBe('cancelled');
    expect(await readdir(dir)).toEqual([]);
  });

  it('replaces the previous archive only when the new one is complete, readable only by its owner', async () => {
    const target = join(dir, 'out.zip');
    await writeFile(target, previous);
    const result = await writeArchive(fixtureInput(), { targetPath: target });
    expect(await readdir(dir)).toEqual(['out.zip']);
    expect(sha256(await readFile(target))).toBe(result.sha256);
    if (process.platform !== 'win32') expect((await stat(target)).mode & 0o777).toBe(0o600);
  });
});

describe('input', () => {
  it('refuses bad input with invalid_input, naming the field but never echoing the value', async () => {
    const draft = fixtureInput();
    const bad = { ...draft, profiles: [{ ...draft.profiles[0]!, createdAt: 'ada@example.org' }] };
    const error = await writeArchive(bad, { targetPath: join(dir, 'out.zip') }).catch((e: unknown) => e);
    expect((error as LetheError).code).toBe('invalid_input');
    expect((error as LetheError).message).toContain('profiles.0.createdAt');
    expect((error as LetheError).message).not.toContain('ada@');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses comments and attachments that point at nothing, and an access archive without its information sheet', async () => {
    const draft = fixtureInput();
    for (const bad of [
      { comments: [{ ...draft.comments![0]!, ticketId: 999 }] },
      { attachments: [{ ...draft.attachments![0]!, authorIsSubject: false }] },
      { informationSheet: null },
      { subject: { ...draft.subject, ref: 'ada@example.org' } },
    ]) {
      const error = await writeArchive(fixtureInput(bad), { targetPath: join(dir, 'out.zip') }).catch((e: unknown) => e);
      expect((error as LetheError).code).toBe('invalid_input');
    }
  });

  it('refuses a relative target path', async () => {
    const error = await writeArchive(fixtureInput(), { targetPath: 'out.zip' }).catch((e: unknown) => e);
    expect((error as LetheError).code).toBe('invalid_input');
  });
});
