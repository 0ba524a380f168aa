import type { ClientId, RequestId } from '../ids.ts';

/** Requests remembered, at most; the oldest are forgotten first. */
export const CLIENT_DIRECTORY_MAX = 50_000;

/**
 * Which client sent each request, so a reply (which names only the request) can find its
 * way back, even when it comes turns later. Bounded: the oldest entries go first. A
 * request id the host never saw is answered to the client its id names, when it follows
 * the client library's `<client>/<n>` form (a request forwarded by another node).
 */
export class ClientDirectory {
  private readonly byRequest = new Map<RequestId, ClientId>();

  constructor(private readonly max = CLIENT_DIRECTORY_MAX) {}

  note(requestId: RequestId, client: ClientId): void {
    this.byRequest.delete(requestId);
    this.byRequest.set(requestId, client);
    if (this.byRequest.size > this.max) {
      const oldest = this.byRequest.keys().next();
      if (oldest.done !== true) this.byRequest.delete(oldest.value);
    }
  }

  clientOf(requestId: RequestId): ClientId | undefined {
    const known = this.byRequest.get(requestId);
    if (known !== undefined) return known;
    const slash = requestId.lastIndexOf('/');
    return slash > 0 ? requestId.slice(0, slash) : undefined;
  }
}
