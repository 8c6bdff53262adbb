#!/usr/bin/env node
// proto-pdk: the plugin author's command.
//   proto-pdk new <name> [--dir <path>]    start a plugin project
//   proto-pdk build <entry.ts> --out <file.wasm> [--debug] [--json-as]   (same as proto-pdk-build)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HELP = `proto-pdk: write proto tool plugins in AssemblyScript

Usage:
  proto-pdk new <name> [--dir <path>]
      Create a plugin project in ./<name> (or <path>): src/plugin.ts with every function
      proto needs (register_tool works, the others fail with a clear error until written),
      tests/plugin.test.ts using @proto-ts/test-utils, npm scripts \`build\` and \`test\`, and
      a .prototools that points proto at the build. <name> is the tool id: lowercase
      letters, digits and "-", starting with a letter.
  proto-pdk build <entry.ts> --out <file.wasm> [--debug] [--json-as] [asc flags...]
      Compile a plugin (see \`proto-pdk build --help\`).
`;

const pdkDir = fileURLToPath(new URL('..', import.meta.url));

function fail(message, hint) {
  console.error(`proto-pdk: ${message}`);
  if (hint) console.error(`hint: ${hint}`);
  process.exit(1);
}

const [command, ...args] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(HELP);
  process.exit(command === undefined ? 1 : 0);
} else if (command === 'build') {
  const result = spawnSync(process.execPath, [join(pdkDir, 'bin/build.mjs'), ...args], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
} else if (command === 'new') {
  newProject(args);
} else {
  fail(`unknown command "${command}"`, 'run `proto-pdk --help` for the commands');
}

function newProject(argv) {
  let name;
  let dir;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') dir = argv[++i] ?? fail('--dir needs a path');
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else if (argv[i].startsWith('-')) fail(`unknown option ${argv[i]}`, 'run `proto-pdk --help`');
    else if (name === undefined) name = argv[i];
    else fail(`unexpected argument "${argv[i]}"`, 'proto-pdk new <name> [--dir <path>]');
  }
  if (!name) fail('proto-pdk new needs a name', 'proto-pdk new my-tool');
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    fail(`"${name}" is not a valid tool id`, 'use lowercase letters, digits and "-", starting with a letter (e.g. my-tool)');
  }
  const target = resolve(dir ?? name);
  if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    fail(`${target} already exists and is not an empty directory`, 'choose another name, or --dir <empty or new directory>');
  }

  const version = JSON.parse(readFileSync(join(pdkDir, 'package.json'), 'utf8')).version;
  const displayName = name.split('-').map((part) => part[0].toUpperCase() + part.slice(1)).join('');
  const fill = (text) => text.replaceAll('__ID__', name).replaceAll('__NAME__', displayName);
  const templateDir = join(pdkDir, 'templates/new-plugin');
  // npm leaves dotfiles such as .gitignore out of packages: the templates are stored without the dot.
  const renames = { gitignore: '.gitignore', prototools: '.prototools' };
  const files = {
    'package.json': `${JSON.stringify(
      {
        name: `${name}-plugin`,
        version: '0.1.0',
        private: true,
        description: `A proto tool plugin for ${name}`,
        type: 'module',
        scripts: {
          build: `proto-pdk build src/plugin.ts --out build/${name}.wasm`,
          test: `npm run build && node --import @proto-ts/test-utils/register --test tests/plugin.test.ts`,
        },
        // The three proto-ts packages move together: one version for all.
        devDependencies: { '@proto-ts/pdk': `^${version}`, '@proto-ts/test-utils': `^${version}`, tsx: '^4.20.6' },
      },
      null,
      2,
    )}\n`,
  };
  for (const file of listFiles(templateDir)) {
    const name_ = relative(templateDir, file);
    files[renames[name_] ?? name_] = fill(readFileSync(file, 'utf8'));
  }
  for (const [path, content] of Object.entries(files)) {
    const full = join(target, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content, { flag: 'wx' });
  }
  const shown = relative(process.cwd(), target) || '.';
  console.log(`Created the ${name} plugin project in ${shown}/ (${Object.keys(files).sort().join(', ')}).`);
  console.log(`\nNext:\n  cd ${shown}\n  npm install\n  npm test`);
  if (basename(target) !== name) console.log(`(the tool id is ${name})`);
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
