// The WebAssembly JS API types: TypeScript ships them only in the DOM lib and @types/node 20
// lacks them. This declares the small part we use.
declare namespace WebAssembly {
  type ImportExportKind = 'function' | 'table' | 'memory' | 'global' | 'tag';
  interface ModuleExportDescriptor {
    kind: ImportExportKind;
    name: string;
  }
  interface ModuleImportDescriptor {
    kind: ImportExportKind;
    module: string;
    name: string;
  }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
    static exports(module: Module): ModuleExportDescriptor[];
    static imports(module: Module): ModuleImportDescriptor[];
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  type ImportValue = unknown;
  function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
}
