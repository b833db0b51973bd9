/**
 * The console's HTTP client: one fetch wrapper that adds the API token (kept per tab in
 * sessionStorage) and turns the API's error body into an ApiError. A 401 asks the page for the
 * token (TokenPrompt) and retries once it is given.
 */
export type * from '@warehouse/api/contracts';
/** GET /uploads/:id (the rows of GET /uploads are the same without `errors` and `refresh`). */
export type { UploadDetail as Upload, UploadSummary } from '@warehouse/api/contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'apiToken';
export const getToken = () => sessionStorage.getItem(TOKEN_KEY);
export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  tokenWaiters.splice(0).forEach((resolve) => resolve());
}

/** Set by the TokenPrompt: called when a request got 401, resolves once a token was entered. */
let tokenListener: (() => void) | undefined;
const tokenWaiters: (() => void)[] = [];
export function onTokenNeeded(fn: (() => void) | undefined): void {
  tokenListener = fn;
}
function waitForToken(): Promise<void> {
  return new Promise((resolve) => {
    tokenWaiters.push(resolve);
    tokenListener?.();
  });
}

export const authHeaders = (): Record<string, string> => {
  const t = getToken();
  return t ? { authorization: `Bearer ${t}` } : {};
};

async function toError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  const message =
    typeof body.message === 'string'
      ? body.message
      : typeof body.error === 'string'
        ? body.error
        : `${res.status} ${res.statusText}`;
  return new ApiError(res.status, typeof body.code === 'string' ? body.code : `HTTP_${res.status}`, message, body);
}

/** fetch + token + JSON; a 401 waits for the token prompt and retries (up to 3 times). */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers = {
      ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
      ...authHeaders(),
      ...(init.headers as Record<string, string> | undefined),
    };
    const res = await fetch(path, { ...init, headers });
    if (res.status === 401 && attempt < 3) {
      await waitForToken();
      continue;
    }
    if (!res.ok) throw await toError(res);
    return (await res.json()) as T;
  }
}

/** Download a file that needs the token (a plain link cannot send the Authorization header). */
export async function download(path: string, fileName: string): Promise<void> {
  const res = await fetch(path, { headers: authHeaders() });
  if (!res.ok) throw await toError(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * POST multipart with upload progress (fetch has none): XMLHttpRequest's upload.onprogress.
 * Resolves with the parsed JSON body, rejects with an ApiError.
 */
export function postWithProgress<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  const send = () =>
    new Promise<{ status: number; body: string; statusText: string }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText, statusText: xhr.statusText });
      xhr.onerror = () => reject(new ApiError(0, 'E_NETWORK', `the server could not be reached (${path})`));
      xhr.send(form);
    });
  return (async () => {
    for (let attempt = 0; ; attempt++) {
      const r = await send();
      if (r.status === 401 && attempt < 3) {
        await waitForToken();
        continue;
      }
      if (r.status >= 200 && r.status < 300) {
        onProgress(1);
        return JSON.parse(r.body) as T;
      }
      throw await toError(new Response(r.body, { status: r.status, statusText: r.statusText }));
    }
  })();
}
