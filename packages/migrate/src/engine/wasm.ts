import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Bg from '@prisma/schema-engine-wasm/schema_engine_bg';

type WasmBindings = typeof Bg;

/**
 * The one instance of the process, kept on `globalThis` rather than in this module: the glue
 * module (`schema_engine_bg.js`) is loaded once per process by Node, whereas this module may be
 * evaluated more than once (vitest's module runner re-evaluates source modules, a script may import
 * a second copy), and every evaluation must get the instance the glue already holds.
 */
const INSTANCE = Symbol.for('@warehouse/db/engine/wasm-instance');
const registry = globalThis as { [INSTANCE]?: Promise<WasmBindings> };

/**
 * Load Prisma's schema engine compiled to WebAssembly (once per process).
 *
 * The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20
 * cannot do without --experimental-wasm-modules, so we compile the .wasm ourselves and hand the
 * instance to the wasm-bindgen glue (`__wbg_set_wasm` + `__wbindgen_start`), as the entry point would.
 *
 * Instantiate it nowhere else. The glue keeps one `wasm` and caches a `Uint8Array` over that
 * instance's memory, refreshed only when the memory grows: a second `__wbg_set_wasm` switches the
 * calls to the new instance while strings still go through the old memory, and the engine then
 * hangs or reads garbage. (scripts/init-sql.ts had its own loader; its use in migrations.test.ts
 * made every later engine call of the process hang, which kept packages/db's tests isolated.)
 */
export function loadWasmEngine(): Promise<WasmBindings> {
  registry[INSTANCE] ??= instantiate();
  return registry[INSTANCE];
}

async function instantiate(): Promise<WasmBindings> {
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as WasmBindings & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
  };
  const module = await WebAssembly.compile(await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm')));
  // Every import of the module comes from the glue file, whatever name the bundler gave it.
  const imports: WebAssembly.Imports = {};
  for (const imp of WebAssembly.Module.imports(module))
    imports[imp.module] ??= bg as unknown as WebAssembly.ModuleImports;
  const instance = await WebAssembly.instantiate(module, imports);
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bg;
}
