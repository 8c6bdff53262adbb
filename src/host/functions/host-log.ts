/**
 * `host_log(Json<HostLogInput>)` (plugin-api §6.4): `stdout`/`stderr` targets print for the user,
 * the other targets go to our logger at that level. Style tags are rendered or stripped.
 */
import { parseHostLogTarget, type HostLogInput } from '../../protocol/index.js';
import { log } from '../../log.js';
import { escapeControls, escapeJsonControls } from '../../terminal-text.js';
import { applyStyleTags, shouldColor } from '../style-tags.js';
import type { HostFunctionContext } from './context.js';

export function hostLog(ctx: HostFunctionContext, input: HostLogInput): void {
  const target = parseHostLogTarget(input.target);
  const data = input.data && Object.keys(input.data).length > 0 ? ` (${escapeJsonControls(JSON.stringify(input.data))})` : '';
  const message = input.message ?? '';
  if (target === 'stdout' || target === 'stderr') {
    const stream = target === 'stdout' ? ctx.stdout : ctx.stderr;
    const color = shouldColor(stream as NodeJS.WriteStream);
    // The plugin's control characters are escaped first; the colours of its style tags come after.
    stream.write(`${applyStyleTags(escapeControls(message, { multiline: true }), color)}${data}\n`);
    return;
  }
  log(target, `plugin:${ctx.pluginId}`, `${applyStyleTags(message, false)}${data}`);
}
