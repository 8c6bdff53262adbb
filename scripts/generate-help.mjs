#!/usr/bin/env node
// Part of `npm run build`, after tsc: writes dist/cli/help.json, every command's help as the
// compiled program prints it, which the launcher prints for `proto --help` without building the
// program (src/cli/fast-path.ts). Written after the compiled program, so that the launcher can
// tell a help file older than the program it describes.
import { writeFileSync } from 'node:fs';

const { createProgram } = await import('../dist/cli/main.js');
const { collectHelpTexts } = await import('../dist/cli/help-texts.js');
const { HELP_FILE_NAME } = await import('../dist/cli/fast-path.js');
writeFileSync(new URL(`../dist/cli/${HELP_FILE_NAME}`, import.meta.url), `${JSON.stringify(collectHelpTexts(createProgram()))}\n`);
