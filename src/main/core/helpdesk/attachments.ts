import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { HelpdeskCancelledError, HelpdeskHttpError, HelpdeskUnreachableError } from './errors';
import type { HelpdeskTransport } from './transport';

export interface AttachmentDownload {
  stream: Readable;
  contentType: string | null;
  /** From Content-Length when the server sends it. */
  size: number | null;
}

const MAX_REDIRECTS = 5;
const TEMPLATE = '(attachment content_url)';

/**
 * Downloads an attachment as a stream. Redirects are followed by hand so that the helpdesk's
 * credentials go only to the helpdesk's own origin: content URLs and their redirects may point at
 * a storage host, which must never see the Authorization header.
 */
export async function downloadAttachment(
  transport: HelpdeskTransport,
  contentUrl: string,
  options: { signal?: AbortSignal; unauthenticated?: (url: URL, signal?: AbortSignal) => Promise<Response> } = {},
): Promise<AttachmentDownload> {
  let url = new URL(contentUrl, transport.baseUrl);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response;
    if (url.origin === transport.origin) {
      response = await transport.request({
        method: 'GET',
        template: TEMPLATE,
        url: url.href,
        signal: options.signal,
        acceptRedirect: true,
      });
    } else {
      try {
        response = await (options.unauthenticated ?? plainGet)(url, options.signal);
      } catch {
        if (options.signal?.aborted) throw new HelpdeskCancelledError(`GET ${TEMPLATE}`);
        throw new HelpdeskUnreachableError(`GET ${TEMPLATE}`, 'attachment host unreachable', 1);
      }
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location)
        throw new HelpdeskHttpError(`GET ${TEMPLATE}`, response.status, {
          kind: 'RedirectWithoutLocation',
          description: undefined,
          fields: [],
        });
      url = new URL(location, url);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new HelpdeskHttpError(`GET ${TEMPLATE}`, response.status, { kind: undefined, description: undefined, fields: [] });
    }
    const length = response.headers.get('content-length');
    return {
      stream: response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]),
      contentType: response.headers.get('content-type'),
      size: length !== null && /^\d+$/.test(length) ? Number(length) : null,
    };
  }
  throw new HelpdeskHttpError(`GET ${TEMPLATE}`, 310, { kind: 'TooManyRedirects', description: undefined, fields: [] });
}

/** A request to a foreign host: no credentials, no cookies, redirects handed back to us. */
function plainGet(url: URL, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers: { 'User-Agent': 'Lethe' }, ...(signal ? { signal } : {}) });
}
