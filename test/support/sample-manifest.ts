/** A valid plugin manifest of the disttool plugin, for tests of manifest parsing and validation. */
export const SAMPLE_SHA256 = 'a'.repeat(64);

export const SAMPLE_MANIFEST = {
  name: 'disttool',
  version: '1.2.0',
  description: 'A tool',
  license: 'MIT',
  protoCompatibility: '>=0.1',
  packages: [{ os: 'any', arch: 'any', url: 'disttool.wasm', sha256: SAMPLE_SHA256 }],
};
