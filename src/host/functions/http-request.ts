/**
 * The kernel's `http_request(request, body) -> body` and `http_status_code() -> i32`
 * (`extism:host/env`), which plugins built before proto 0.40 fetch with: served here, through our
 * network layer like `send_request`, so url-rewrites, the URL policy, proxies, offline mode and
 * `net:` permissions apply to them too. The SDK serves them only in its own worker mode; ours
 * hosts plugins in the SDK's foreground mode, where they are left out.
 *
 * The request is Extism's JSON `{ url, method, headers }` (some PDKs write `header`). Those PDKs
 * only ever GET; the response body is stored in a block, its status kept for `http_status_code`.
 */
import type { HostFunctionContext } from './context.js';

export interface KernelHttpRequest {
  url?: unknown;
  method?: unknown;
  headers?: Record<string, string>;
  header?: Record<string, string>;
}

export async function kernelHttpRequest(ctx: HostFunctionContext, request: KernelHttpRequest): Promise<{ status: number; body: Uint8Array }> {
  if (typeof request?.url !== 'string' || request.url === '') throw new Error('the request has no "url"');
  const method = typeof request.method === 'string' ? request.method.toUpperCase() : 'GET';
  ctx.gate.checkUrl('http_request', request.url);
  if (method !== 'GET') throw new Error(`only GET is supported, not ${method} ${request.url}`);
  return ctx.httpGet(request.url, request.headers ?? request.header ?? {}, ctx.signal);
}
