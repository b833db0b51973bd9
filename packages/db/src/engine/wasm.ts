import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Bg from '@prisma/schema-engine-wasm/schema_engine_bg';

type WasmBindings = typeof Bg;

let loading: Promise<WasmBindings> | undefined;

/**
 * Load Prisma's schema engine compiled to WebAssembly (once per process).
 *
 * The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20
 * cannot do without --experimental-wasm-modules, so we compile the .wasm ourselves and hand the
 * instance to the wasm-bindgen glue (`__wbg_set_wasm` + `__wbindgen_start`), as the entry point would.
 */
export function loadWasmEngine(): Promise<WasmBindings> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as WasmBindings & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const module = await WebAssembly.compile(
      await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm')),
    );
    // Every import of the module comes from the glue file, whatever name the bundler gave it.
    const imports: WebAssembly.Imports = {};
    for (const imp of WebAssembly.Module.imports(module))
      imports[imp.module] ??= bg as unknown as WebAssembly.ModuleImports;
    const instance = await WebAssembly.instantiate(module, imports);
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return loading;
}
