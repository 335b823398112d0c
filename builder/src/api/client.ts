/** A small client for the v2 API: bearer token, JSON, problem documents as errors. */
import type { ProblemDocument } from './types';

/** An API call that answered with a problem document (or failed to reach the server). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDocument;

  constructor(problem: ProblemDocument) {
    super(problem.detail || problem.title);
    this.status = problem.status;
    this.problem = problem;
  }
}

/** The answer of a call: its JSON body and the `ETag` header, if any. */
export interface ApiResponse<T> {
  body: T;
  etag: string | null;
}

/** Where the API lives and who is calling. */
export class ApiClient {
  constructor(
    readonly token: string,
    readonly base: string = '/api/v2',
  ) {}

  /** Sends a request and parses the JSON answer; problems become `ApiError`s. */
  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError({ type: 'network', title: 'Network error', status: 0, detail: `the server could not be reached: ${String(error)}` });
    }
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (!response.ok) {
      const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<ProblemDocument>;
      throw new ApiError({
        type: problem.type ?? 'unknown',
        title: problem.title ?? response.statusText,
        detail: problem.detail ?? `the server answered ${response.status}`,
        ...problem,
        status: response.status,
      });
    }
    return { body: parsed as T, etag: response.headers.get('etag') };
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path).then((r) => r.body);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {}).then((r) => r.body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body).then((r) => r.body);
  }

  delete(path: string): Promise<void> {
    return this.request<unknown>('DELETE', path).then(() => undefined);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}
