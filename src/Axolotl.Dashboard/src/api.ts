// The dashboard's only way to the cluster: the ordinary Kubernetes API, with the user's own
// credentials on every request, so RBAC decides what the page may show. A bearer token travels in
// the Authorization header (never in a URL or a cookie, so no other site can make the browser use
// it); "certificate" sends nothing and lets the browser present its client certificate.

import { withRetries } from "./retry";

export type Credentials = { kind: "token"; token: string } | { kind: "certificate" };

export interface Status {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** A failed request: `status` 0 means the server could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }

  get unreachable(): boolean {
    return this.status === 0;
  }

  get forbidden(): boolean {
    return this.status === 403;
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }

  get gone(): boolean {
    return this.status === 410;
  }
}

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

/** Wall-clock milliseconds with sub-millisecond precision: when this page saw something happen. */
export function observedNow(): number {
  return performance.timeOrigin + performance.now();
}

export class Api {
  constructor(private readonly credentials: Credentials) {}

  get describe(): string {
    return this.credentials.kind === "token" ? "bearer token" : "client certificate";
  }

  private headers(accept = "application/json"): Headers {
    const headers = new Headers({ Accept: accept });
    if (this.credentials.kind === "token") {
      headers.set("Authorization", `Bearer ${this.credentials.token}`);
    }
    return headers;
  }

  /** One request; `safeToRepeat` ones (reads, reviews) are tried again when no answer came back. */
  private async send(path: string, init: RequestInit, signal?: AbortSignal, safeToRepeat = true): Promise<Response> {
    const attempt = async () => {
      try {
        // same-origin only; "omit" keeps any cookie of this origin out; the TLS client certificate is
        // presented by the browser at the connection level whatever this says.
        return await fetch(path, { ...init, signal, credentials: "omit", cache: "no-store", redirect: "error" });
      } catch (e) {
        if (signal?.aborted) throw e;
        throw new ApiError(0, "ServiceUnavailable", "The API server cannot be reached (it may be restarting or gone).");
      }
    };
    const unreachable = (e: unknown) => e instanceof ApiError && e.unreachable;
    const response = safeToRepeat ? await withRetries(attempt, unreachable, signal) : await attempt();
    if (!response.ok) throw await toError(response);
    return response;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await this.send(path, { headers: this.headers() }, signal);
    return (await response.json()) as T;
  }

  /** A POST; `safeToRepeat` only for requests that change nothing (a SelfSubjectReview). */
  async post<T>(path: string, body: unknown, safeToRepeat: boolean, signal?: AbortSignal): Promise<T> {
    const headers = this.headers();
    headers.set("Content-Type", "application/json");
    const response = await this.send(path, { method: "POST", headers, body: JSON.stringify(body) }, signal, safeToRepeat);
    return (await response.json()) as T;
  }

  /** Streams a watch (one JSON object a line) until the server ends it, the signal aborts or it fails. */
  async watch<T>(path: string, onEvent: (event: WatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    const response = await this.send(path, { headers: this.headers() }, signal);
    for await (const line of lines(response, signal)) {
      if (line.trim() === "") continue;
      const event = JSON.parse(line) as WatchEvent<T>;
      if (event.type === "ERROR") {
        const status = event.object as unknown as Status;
        throw new ApiError(status.code ?? 500, status.reason ?? "", status.message ?? "watch failed");
      }
      onEvent(event);
    }
  }

  /** Streams a text body line by line (container logs with follow=true). */
  async *textLines(path: string, signal: AbortSignal): AsyncGenerator<string> {
    const response = await this.send(path, { headers: this.headers("text/plain, */*") }, signal);
    yield* lines(response, signal);
  }
}

async function* lines(response: Response, signal: AbortSignal): AsyncGenerator<string> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (signal.aborted) return;
        throw new ApiError(0, "ServiceUnavailable", "The connection to the API server was lost.");
      }
      if (chunk.done) break;
      buffered += decoder.decode(chunk.value, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        yield buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
      }
    }
    buffered += decoder.decode();
    if (buffered.length > 0) yield buffered;
  } finally {
    reader.releaseLock();
  }
}

async function toError(response: Response): Promise<ApiError> {
  let status: Status = {};
  try {
    status = (await response.json()) as Status;
  } catch {
    // not a Status (a proxy's HTML page, a truncated body): the HTTP status still says what happened
  }
  const fallback =
    response.status === 401
      ? "The credentials were not accepted (Unauthorized)."
      : response.status === 403
        ? "Forbidden."
        : `The API server answered ${response.status} ${response.statusText}.`;
  return new ApiError(response.status, status.reason ?? "", status.message || fallback);
}

/** Namespaced collection path for core (group "") or named groups; ns "" means all namespaces. */
export function collectionPath(group: string, version: string, resource: string, ns: string): string {
  const prefix = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  return ns === "" ? `${prefix}/${resource}` : `${prefix}/namespaces/${encodeURIComponent(ns)}/${resource}`;
}
