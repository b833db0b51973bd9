/**
 * The console's HTTP client: one fetch wrapper that sends the session cookie (same origin) and turns
 * the API's error body into an ApiError. A 401 shows the sign-in page (App) over the page the person
 * is on and sends the request again once they have signed in, so nothing they typed is lost.
 * Scripts use API keys (Authorization: Bearer); the console never asks for one (docs/design.md).
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

/**
 * Set by the App: called when a request got 401 (no session, or it expired); the App shows the
 * sign-in page over the page the person was on and calls {@link signedIn} once they are back.
 */
let signInListener: ((code: string) => void) | undefined;
const signInWaiters: (() => void)[] = [];
export function onSignInNeeded(fn: ((code: string) => void) | undefined): void {
  signInListener = fn;
}
/** The person signed in again: the requests that waited for it are sent again. */
export function signedIn(): void {
  signInWaiters.splice(0).forEach((resolve) => resolve());
}
function waitForSignIn(code: string): Promise<void> {
  return new Promise((resolve) => {
    signInWaiters.push(resolve);
    signInListener?.(code);
  });
}

/** The 401's code (E_SESSION_EXPIRED, E_USER_DISABLED …) without consuming the response. */
async function codeOf(res: Response): Promise<string> {
  try {
    const body = (await res.clone().json()) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : 'E_UNAUTHORIZED';
  } catch {
    return 'E_UNAUTHORIZED';
  }
}

function codeOfBody(body: string): string {
  try {
    const b = JSON.parse(body) as { code?: unknown };
    return typeof b.code === 'string' ? b.code : 'E_UNAUTHORIZED';
  } catch {
    return 'E_UNAUTHORIZED';
  }
}

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

/**
 * fetch (with the session cookie) + JSON; a 401 waits until the person has signed in again and
 * then sends the same request once more (up to 3 times).
 */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers = {
      ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
      ...(init.headers as Record<string, string> | undefined),
    };
    const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
    if (res.status === 401 && attempt < 3) {
      await waitForSignIn(await codeOf(res));
      continue;
    }
    if (!res.ok) throw await toError(res);
    return (await res.json()) as T;
  }
}

/** Download a file through fetch (a 401 waits for sign-in like {@link api}), saved under `fileName`. */
export async function download(path: string, fileName: string): Promise<void> {
  let res = await fetch(path, { credentials: 'same-origin' });
  for (let attempt = 0; res.status === 401 && attempt < 3; attempt++) {
    await waitForSignIn(await codeOf(res));
    res = await fetch(path, { credentials: 'same-origin' });
  }
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
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText, statusText: xhr.statusText });
      xhr.onerror = () => reject(new ApiError(0, 'E_NETWORK', `the server could not be reached (${path})`));
      xhr.send(form);
    });
  return (async () => {
    for (let attempt = 0; ; attempt++) {
      const r = await send();
      if (r.status === 401 && attempt < 3) {
        await waitForSignIn(codeOfBody(r.body));
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
