/**
 * A local stand-in for the Hugging Face Hub (huggingface.co is unreachable here), answering as the
 * real one does: `/<repo>/resolve/<revision>/<file>` with X-Repo-Commit; small files straight from
 * "git" with an ETag; large (LFS) files as a 302 to a CDN on another port, with X-Linked-Etag
 * (the sha256) and X-Linked-Size. Faults are switched on per test: gated repos, a CDN that ignores
 * Range, connections cut mid-body, a wrong checksum, slow bodies.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubFile {
  bytes: Buffer;
  /** Served through the CDN with its sha256 in X-Linked-Etag. */
  lfs: boolean;
}

export interface HubRepo {
  /** What "main" resolves to. */
  commit: string;
  files: Record<string, HubFile>;
  /** Earlier commits, still reachable by their hash. */
  older?: Record<string, Record<string, HubFile>>;
  /** Needs `Authorization: Bearer <token>`. */
  token?: string;
}

export interface Seen {
  server: 'hub' | 'cdn';
  method: string;
  url: string;
  range?: string;
  authorization?: string;
}

export interface Faults {
  /** The CDN answers every Range request with the whole file (200). */
  ignoreRange?: boolean;
  /** The CDN cuts the connection after this many bytes, for this many GETs. */
  dropAfter?: { bytes: number; times: number };
  /** The Hub advertises this sha256 for every LFS file instead of the real one. */
  wrongSha256?: string;
  /** The CDN sends bodies in 64 KiB pieces this many ms apart. */
  slowMs?: number;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function lfs(size: number, seed = 1): HubFile {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
  return { bytes, lfs: true };
}

export function small(text: string): HubFile {
  return { bytes: Buffer.from(text), lfs: false };
}

export class FakeHub {
  readonly repos = new Map<string, HubRepo>();
  readonly seen: Seen[] = [];
  faults: Faults = {};
  hubUrl = '';
  cdnUrl = '';
  private hub?: Server;
  private cdn?: Server;
  private readonly blobs = new Map<string, Buffer>();

  async start(): Promise<this> {
    this.hub = createServer((req, res) => this.onHub(req, res));
    this.cdn = createServer((req, res) => this.onCdn(req, res));
    this.hubUrl = await listen(this.hub);
    this.cdnUrl = await listen(this.cdn);
    return this;
  }

  async stop(): Promise<void> {
    for (const server of [this.hub, this.cdn]) {
      server?.closeAllConnections();
      await new Promise<void>((r) => server?.close(() => r()) ?? r());
    }
  }

  addRepo(name: string, repo: HubRepo): void {
    this.repos.set(name, repo);
    for (const files of [repo.files, ...Object.values(repo.older ?? {})]) {
      for (const file of Object.values(files)) if (file.lfs) this.blobs.set(sha256(file.bytes), file.bytes);
    }
  }

  /** Requests for one file (by path suffix) on one server. */
  requests(server: Seen['server'], suffix = ''): Seen[] {
    return this.seen.filter((s) => s.server === server && s.url.endsWith(suffix));
  }

  reset(): void {
    this.seen.length = 0;
    this.faults = {};
  }

  private record(server: Seen['server'], req: IncomingMessage): void {
    this.seen.push({ server, method: req.method ?? 'GET', url: req.url ?? '', range: req.headers.range, authorization: req.headers.authorization });
  }

  private onHub(req: IncomingMessage, res: ServerResponse): void {
    this.record('hub', req);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
    const repo = m && this.repos.get(m[1]);
    if (!m || !repo) return void res.writeHead(404, { 'X-Error-Code': 'RepoNotFound' }).end('Repository not found');
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) {
      return void res.writeHead(401, { 'X-Error-Code': 'GatedRepo' }).end('Access to this repo is restricted.');
    }
    const commit = m[2] === 'main' ? repo.commit : m[2];
    const files = commit === repo.commit ? repo.files : repo.older?.[commit];
    if (!files) return void res.writeHead(404, { 'X-Error-Code': 'RevisionNotFound' }).end();
    const file = files[m[3]];
    if (!file) return void res.writeHead(404, { 'X-Error-Code': 'EntryNotFound', 'X-Repo-Commit': commit }).end();
    if (file.lfs) {
      const sha = sha256(file.bytes);
      res.writeHead(302, {
        Location: `${this.cdnUrl}/blobs/${sha}`,
        'X-Repo-Commit': commit,
        'X-Linked-Etag': `"${this.faults.wrongSha256 ?? sha}"`,
        'X-Linked-Size': String(file.bytes.length),
        'Content-Length': '0',
      });
      return void res.end();
    }
    const etag = createHash('sha1').update(file.bytes).digest('hex');
    res.writeHead(200, { 'X-Repo-Commit': commit, ETag: `W/"${etag}"`, 'Content-Length': String(file.bytes.length) });
    res.end(req.method === 'HEAD' ? undefined : file.bytes);
  }

  private onCdn(req: IncomingMessage, res: ServerResponse): void {
    this.record('cdn', req);
    const blob = this.blobs.get((req.url ?? '').replace(/^\/blobs\//, ''));
    if (!blob) return void res.writeHead(404).end();
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const from = m && !this.faults.ignoreRange ? Number(m[1]) : 0;
    if (from > blob.length) return void res.writeHead(416, { 'Content-Range': `bytes */${blob.length}` }).end();
    const body = blob.subarray(from);
    res.writeHead(from ? 206 : 200, {
      'Content-Length': String(body.length),
      'Accept-Ranges': 'bytes',
      ...(from ? { 'Content-Range': `bytes ${from}-${blob.length - 1}/${blob.length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    const drop = this.faults.dropAfter;
    if (drop && drop.times > 0) {
      drop.times--;
      // Headers promise the whole body; the socket dies partway, as a flaky network does (a moment
      // after the bytes went out, so the client has read them: tests can then count on the offset).
      res.write(body.subarray(0, drop.bytes), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    if (this.faults.slowMs) return void this.trickle(res, body, this.faults.slowMs);
    res.end(body);
  }

  private trickle(res: ServerResponse, body: Buffer, ms: number): void {
    let at = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (at >= body.length) return void res.end();
      res.write(body.subarray(at, (at += 65_536)));
      setTimeout(next, ms);
    };
    res.on('close', () => (at = body.length + 1));
    next();
  }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}
