// Archive throughput and memory, for the subjects benchmark (and runnable alone:
// `node --expose-gc --import tsx bench/_archive.ts [MB]`). Attachment bytes come from a generator,
// never from memory, so the RSS figure shows what the writer itself holds.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { writeArchive, type ArchiveInputDraft } from '../src/main/core/archive/index';

const MB = 1024 * 1024;
const CHUNK = 256 * 1024;
const ATTACHMENT_MAX = 25 * MB;

export interface ArchiveBenchOptions {
  /** Total attachment bytes to archive (default 500 MB). */
  attachmentBytes?: number;
  /** Where to write; a fresh temporary folder by default, removed afterwards. */
  dir?: string;
}

export interface ArchiveBenchResult {
  archive_mb_per_s: number;
  copy_mb_per_s: number;
  /** Archive speed over a plain userland copy (read, write, fsync) of the same bytes, same run. */
  archive_over_copy: number;
  archive_peak_rss_growth_mb: number;
  /** CPU and wall seconds of each phase: on a busy machine they show how much was waiting for a core. */
  archive_cpu_s: number;
  archive_wall_s: number;
  copy_cpu_s: number;
  copy_wall_s: number;
  archive_bytes: number;
  attachment_bytes: number;
  attachments: number;
}

/** Same bytes every time for a given (seed, size): a random block, stamped with a counter per chunk. */
async function* generated(block: Buffer, size: number, seed: number): AsyncGenerator<Uint8Array> {
  let produced = 0;
  let counter = 0;
  while (produced < size) {
    const length = Math.min(CHUNK, size - produced);
    const chunk = Buffer.allocUnsafe(length);
    const from = (counter * 4099) % (block.length - CHUNK);
    block.copy(chunk, 0, from, from + length);
    if (length >= 8) {
      chunk.writeUInt32LE(seed, 0);
      chunk.writeUInt32LE(counter, 4);
    }
    counter += 1;
    produced += length;
    yield chunk;
  }
}

function sizes(total: number): number[] {
  const out: number[] = [];
  for (let left = total; left > 0; left -= ATTACHMENT_MAX) out.push(Math.min(ATTACHMENT_MAX, left));
  return out;
}

function benchInput(block: Buffer, attachmentSizes: number[]): ArchiveInputDraft {
  const comments = attachmentSizes.map((_, i) => ({
    id: `c${i}`,
    ticketId: 1000 + (i % 20),
    createdAt: '2025-01-01T10:00:00Z',
    public: true,
    authorIsSubject: true,
    authorUserId: 1,
    body: `Attached the scan ${i}, call me on +44 20 7946 0001 or ask bob@example.net.`,
  }));
  return {
    subject: { ref: 'subj_benchmark01', displayName: 'Bench Subject', emails: ['subject@example.org'], phones: [] },
    workspace: { id: 'ws_bench0001', name: 'Bench', baseUrl: 'https://bench.zendesk.example' },
    kind: 'access',
    regulation: 'GDPR',
    generatedAt: '2025-03-01T00:00:00Z',
    dataAsOf: '2025-03-01T00:00:00Z',
    letheVersion: 'bench',
    profiles: [
      {
        userId: 1,
        name: 'Bench Subject',
        email: 'subject@example.org',
        phone: '+44 20 7946 0001',
        role: 'end-user',
        createdAt: '2020-01-01T00:00:00Z',
      },
    ],
    tickets: Array.from({ length: 20 }, (_, i) => ({
      id: 1000 + i,
      subjectLine: `Ticket ${i}`,
      description: 'Opening text',
      authoredBySubject: true,
      status: 'open',
      createdAt: '2025-01-01T09:00:00Z',
      subjectRoles: ['requester' as const],
      otherParticipants: ['agent' as const],
    })),
    comments,
    attachments: attachmentSizes.map((size, i) => ({
      id: `a${i}`,
      ticketId: 1000 + (i % 20),
      commentId: `c${i}`,
      fileName: `scan-${i}.pdf`,
      contentType: 'application/pdf',
      size,
      authorIsSubject: true,
    })),
    otherPeople: { emails: ['bob@example.net'], phones: ['+1 415 555 0199'] },
    informationSheet: {
      purposes: 'Support.',
      categories: 'Contact details, tickets.',
      recipients: 'Processor.',
      retention: 'Three years.',
      rights: 'Rectification, erasure, restriction, objection.',
      complaint: 'Supervisory authority.',
      source: 'You.',
      automatedDecisions: 'None.',
    },
    openAttachment: async (id) => {
      const index = Number(id.slice(1));
      return generated(block, attachmentSizes[index] ?? 0, index);
    },
  };
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function benchArchive(options: ArchiveBenchOptions = {}): Promise<ArchiveBenchResult> {
  const total = options.attachmentBytes ?? 500 * MB;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'lethe-bench-archive-')));
  const block = randomBytes(4 * MB);
  const attachmentSizes = sizes(total);
  try {
    // Baseline: the same bytes written to a file, then copied through userland with an fsync,
    // which is the work an archive must do at the least (read, write, make durable).
    const source = join(dir, 'source.bin');
    const out = createWriteStream(source);
    for (const [i, size] of attachmentSizes.entries()) {
      for await (const chunk of generated(block, size, i))
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await fsyncFile(source);
    const copyCpu = process.cpuUsage();
    const copyStart = performance.now();
    await pipeline(createReadStream(source, { highWaterMark: CHUNK }), createWriteStream(join(dir, 'copy.bin')));
    await fsyncFile(join(dir, 'copy.bin'));
    const copySeconds = (performance.now() - copyStart) / 1000;
    const copyCpuUsed = process.cpuUsage(copyCpu);
    await rm(source);
    await rm(join(dir, 'copy.bin'));

    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    const cpu = process.cpuUsage();
    const start = performance.now();
    let result;
    try {
      result = await writeArchive(benchInput(block, attachmentSizes), { targetPath: join(dir, 'archive.zip') });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage.rss());
    const seconds = (performance.now() - start) / 1000;
    const cpuUsed = process.cpuUsage(cpu);
    const archiveBytes = (await stat(result.path)).size;

    const round = (n: number) => Math.round(n * 100) / 100;
    const archiveRate = total / MB / seconds;
    const copyRate = total / MB / copySeconds;
    return {
      archive_mb_per_s: round(archiveRate),
      copy_mb_per_s: round(copyRate),
      archive_over_copy: round(archiveRate / copyRate),
      archive_peak_rss_growth_mb: round((peak - baseline) / MB),
      archive_cpu_s: round((cpuUsed.user + cpuUsed.system) / 1e6),
      archive_wall_s: round(seconds),
      copy_cpu_s: round((copyCpuUsed.user + copyCpuUsed.system) / 1e6),
      copy_wall_s: round(copySeconds),
      archive_bytes: archiveBytes,
      attachment_bytes: total,
      attachments: attachmentSizes.length,
    };
  } finally {
    if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mb = Number(process.argv[2] ?? 500);
  const result = await benchArchive({ attachmentBytes: mb * MB });
  console.log(JSON.stringify({ bench: '_archive', attachment_mb: mb, ...result }));
}
