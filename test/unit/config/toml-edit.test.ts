import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { removeTomlKey, setTomlString } from '../../../src/config/index.js';

const ORIGINAL = `# Project toolchain — keep in sync with CI
node = "20"   # LTS, see docs/node.md
   npm =    '^10'

# Rust is pinned by rust-toolchain.toml
[tools.node]
bundled-npm = true # npm comes with node
dist-url = "https://mirror/v{version}/{file}"

[tools.node.aliases]
work = "^18"   # the work laptop

[settings]
auto-install = true
when = 2024-01-01
`;

/** The lines of `text` that are not in `changed` positions must be unchanged, in order. */
function linesOf(text: string): string[] {
  return text.split('\n');
}

describe('editing TOML in place', () => {
  it('replaces a pin value and keeps its trailing comment and spacing', () => {
    const edited = setTomlString(ORIGINAL, [], 'node', '~22');
    assert.equal(edited, ORIGINAL.replace('node = "20"   # LTS', 'node = "~22"   # LTS'));
  });

  it("keeps the user's literal quoting when replacing", () => {
    const edited = setTomlString(ORIGINAL, [], 'npm', '~11');
    assert.equal(edited, ORIGINAL.replace("npm =    '^10'", "npm =    '~11'"));
  });

  it('adds a new pin after the last top-level pin, every other line byte-identical', () => {
    const edited = setTomlString(ORIGINAL, [], 'deno', '~1.40');
    const before = linesOf(ORIGINAL);
    const after = linesOf(edited);
    assert.equal(after.length, before.length + 1);
    assert.equal(after[3], 'deno = "~1.40"');
    assert.deepEqual([...after.slice(0, 3), ...after.slice(4)], before);
  });

  it('quotes a key that is not bare (backend contexts)', () => {
    const edited = setTomlString('node = "20"\n', [], 'asdf:zig', '~0.14');
    assert.equal(edited, 'node = "20"\n"asdf:zig" = "~0.14"\n');
    assert.equal(setTomlString(edited, [], 'asdf:zig', '0.14.1'), 'node = "20"\n"asdf:zig" = "0.14.1"\n');
  });

  it('removes one pin line and nothing else (its comment goes with it)', () => {
    const edited = removeTomlKey(ORIGINAL, [], 'node');
    assert.equal(edited, ORIGINAL.replace('node = "20"   # LTS, see docs/node.md\n', ''));
    assert.equal(removeTomlKey(ORIGINAL, [], 'deno'), undefined);
  });

  it('adds an alias to an existing [tools.<id>.aliases] table', () => {
    const edited = setTomlString(ORIGINAL, ['tools', 'node', 'aliases'], 'home', '^16');
    assert.equal(edited, ORIGINAL.replace('work = "^18"   # the work laptop\n', 'work = "^18"   # the work laptop\nhome = "^16"\n'));
  });

  it('creates [tools.<id>.aliases] right after [tools.<id>] when missing', () => {
    const text = '[tools.node]\nbundled-npm = true\n\n[settings]\nauto-install = true\n';
    assert.equal(
      setTomlString(text, ['tools', 'node', 'aliases'], 'work', '^18'),
      '[tools.node]\nbundled-npm = true\n\n[tools.node.aliases]\nwork = "^18"\n\n[settings]\nauto-install = true\n',
    );
  });

  it('appends a new table at the end when nothing related exists', () => {
    assert.equal(setTomlString(ORIGINAL, ['tools', 'bun', 'aliases'], 'x', '1.0.0'), `${ORIGINAL}\n[tools.bun.aliases]\nx = "1.0.0"\n`);
  });

  it('removes an alias line only', () => {
    assert.equal(removeTomlKey(ORIGINAL, ['tools', 'node', 'aliases'], 'work'), ORIGINAL.replace('work = "^18"   # the work laptop\n', ''));
  });

  it('puts a first pin above the first table and its leading comment', () => {
    const text = '# my project\n\n# settings for everyone\n[settings]\nauto-install = true\n';
    assert.equal(setTomlString(text, [], 'node', '~20'), '# my project\n\nnode = "~20"\n\n# settings for everyone\n[settings]\nauto-install = true\n');
  });

  it('writes into an empty document and one without a final newline', () => {
    assert.equal(setTomlString('', [], 'node', '~20'), 'node = "~20"\n');
    assert.equal(setTomlString('node = "1"', [], 'bun', '~1'), 'node = "1"\nbun = "~1"\n');
  });

  it('keeps CRLF line endings and a byte-order mark', () => {
    assert.equal(setTomlString('node = "1"\r\n[settings]\r\n', [], 'bun', '~1'), 'node = "1"\r\nbun = "~1"\r\n[settings]\r\n');
    assert.equal(setTomlString('\uFEFF[settings]\n', [], 'bun', '~1'), '\uFEFFbun = "~1"\n\n[settings]\n');
  });

  it('extends aliases written as dotted keys', () => {
    assert.equal(
      setTomlString('[tools.node]\naliases.a = "1"\nx = 1\n', ['tools', 'node', 'aliases'], 'b', '2'),
      '[tools.node]\naliases.a = "1"\naliases.b = "2"\nx = 1\n',
    );
  });

  it('adds to, replaces in and removes from inline tables between their braces', () => {
    const text = '# keep\n[tools.node]\naliases = { a = "1" } # inline\n';
    const added = setTomlString(text, ['tools', 'node', 'aliases'], 'b', '2');
    assert.equal(added, '# keep\n[tools.node]\naliases = { a = "1", b = "2" } # inline\n');
    assert.equal(setTomlString(added, ['tools', 'node', 'aliases'], 'a', '3'), '# keep\n[tools.node]\naliases = { a = "3", b = "2" } # inline\n');
    assert.equal(removeTomlKey(added, ['tools', 'node', 'aliases'], 'a'), '# keep\n[tools.node]\naliases = { b = "2" } # inline\n');
    assert.equal(removeTomlKey(added, ['tools', 'node', 'aliases'], 'b'), text);
    assert.equal(removeTomlKey(text, ['tools', 'node', 'aliases'], 'a'), '# keep\n[tools.node]\naliases = {} # inline\n');
    assert.equal(setTomlString('tools = { node = {} }\n', ['tools', 'node', 'aliases'], 'x', '1'), 'tools = { node = { aliases.x = "1" } }\n');
  });

  it('replaces a multi-line value in place', () => {
    assert.equal(setTomlString('node = """\n20"""\nbun = "1"\n', [], 'node', '22'), 'node = "22"\nbun = "1"\n');
  });

  it('is not fooled by look-alike lines inside multi-line strings', () => {
    const text = 'a = """\nnode = "x"\n"""\n';
    const edited = setTomlString(text, [], 'node', '3');
    assert.equal(edited, 'a = """\nnode = "x"\n"""\nnode = "3"\n');
  });

  it('escapes values that need it', () => {
    const edited = setTomlString('', [], 'x', 'a "quoted" \\ value');
    assert.equal((parse(edited) as Record<string, unknown>).x, 'a "quoted" \\ value');
  });

  it('refuses to turn a value into a table', () => {
    assert.throws(() => setTomlString('tools = "x"\n', ['tools', 'node', 'aliases'], 'a', '1'), { code: 'config.edit_failed' });
  });
});
