/**
 * Compiled plugin modules, shared in this process by the sha256 of the bytes compiled: ten tool
 * ids served by one `.wasm` (or a hook plugin loaded for every tool) compile it once. A
 * `WebAssembly.Module` is immutable and every instance of it has its own memory and state, so
 * sharing it shares nothing a plugin can see; each container still caps, checks and instantiates
 * it with its own limits, mounts, config and host functions.
 *
 * The bytes are those after the memory cap (memory-cap.ts), so two limits give two modules.
 * Modules are held weakly: one no container uses any more may be collected, and is compiled
 * again when asked for. A compile that fails is not remembered.
 */
import { lazyCrypto } from '../lazy-builtins.js';

const modules = new Map<string, WeakRef<WebAssembly.Module>>();
const compiling = new Map<string, Promise<WebAssembly.Module>>();
let compilations = 0;
/** Modules held strongly for a load still to come (see retainModule). */
const retained = new Set<WebAssembly.Module>();

/** The compiled module of `bytes`, compiled only if no live module of the same bytes exists. */
export function compileModule(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const digest = lazyCrypto().createHash('sha256').update(bytes).digest('hex');
  const known = modules.get(digest)?.deref();
  if (known) return Promise.resolve(known);
  let pending = compiling.get(digest);
  if (!pending) {
    compilations++;
    pending = WebAssembly.compile(bytes);
    compiling.set(digest, pending);
    pending.then(
      (module) => modules.set(digest, new WeakRef(module)),
      () => undefined,
    ).finally(() => compiling.delete(digest));
  }
  return pending;
}

/**
 * Holds `module` strongly until the returned function is called: a module compiled now for a
 * load that comes later (`plugin install` scans the module's imports, then loads it to check it)
 * is still here when that load asks, whatever the garbage collector did meanwhile.
 */
export function retainModule(module: WebAssembly.Module): () => void {
  retained.add(module);
  return () => void retained.delete(module);
}

/** How many compiles this process started (tests show a shared module compiles once). */
export function moduleCompilations(): number {
  return compilations;
}
