/**
 * The default GET behind `send_request` when the embedder gives none.
 * TODO(net): route through src/net (url-rewrites, proxies, retries) once it lands.
 */
import { request } from 'undici';
import type { HttpGet } from './functions/context.js';

export const defaultHttpGet: HttpGet = async (url, headers) => {
  const response = await request(url, { method: 'GET', headers, maxRedirections: 5 } as Parameters<typeof request>[1]);
  const body = new Uint8Array(await response.body.arrayBuffer());
  return { status: response.statusCode, body };
};
