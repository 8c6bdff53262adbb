/**
 * `send_request(Json<SendRequestInput>) -> Json<SendRequestOutput>` (plugin-api §6.5), proto 0.40+.
 *
 * Always a GET. Any HTTP status is returned to the guest (its fetch helpers decide what is an
 * error); a transport failure fails the call. The body is not inlined as a JSON byte array: it is
 * stored in its own memory block and the guest loads `body_length` bytes from `body_offset`.
 */
import { ProtoError } from '../../errors.js';
import type { SendRequestInput } from '../../protocol/index.js';
import type { HostFunctionContext } from './context.js';
import { storeBytes, type CallContext } from './memory.js';

export async function sendRequest(ctx: HostFunctionContext, call: CallContext, input: SendRequestInput): Promise<string> {
  if (typeof input.url !== 'string' || input.url === '') throw new Error('the input has no "url"');
  ctx.gate.checkUrl('send_request', input.url);
  let response: { status: number; body: Uint8Array };
  try {
    response = await ctx.httpGet(input.url, input.headers ?? {}, ctx.signal);
  } catch (error) {
    // Our network errors name the URL and carry a hint (offline, TLS, proxy): keep them whole.
    if (error instanceof ProtoError) throw error;
    throw new Error(`GET ${input.url} failed: ${(error as Error).message}`);
  }
  const offset = storeBytes(call, response.body);
  // Written by hand: an offset is a u64 with the block index in its high bits, past the 2^53
  // a JS number holds exactly, so it must not go through JSON.stringify as a number.
  return `{"body":[],"body_length":${response.body.length},"body_offset":${offset.toString()},"status":${response.status}}`;
}
