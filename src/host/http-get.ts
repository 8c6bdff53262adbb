/**
 * The default GET behind `send_request` when the embedder gives none.
 * TODO(net): route through src/net (url-rewrites, proxies, retries) once it lands.
 */
import { Agent, interceptors, request } from 'undici';
import type { HttpGet } from './functions/context.js';

const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 5 }));

export const defaultHttpGet: HttpGet = async (url, headers) => {
  const response = await request(url, { method: 'GET', headers, dispatcher });
  const body = new Uint8Array(await response.body.arrayBuffer());
  return { status: response.statusCode, body };
};
