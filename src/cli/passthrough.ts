/**
 * Arguments after the first `--` belong to the tool, not to proto (`proto run node -- --version`).
 * `main` splits them off before commander parses, so they can never fill one of our own
 * arguments, and commands read them here.
 */
let passthrough: string[] = [];

export function splitPassthrough(argv: string[]): string[] {
  const index = argv.indexOf('--');
  if (index === -1) {
    passthrough = [];
    return argv;
  }
  passthrough = argv.slice(index + 1);
  return argv.slice(0, index);
}

export function passthroughArgs(): string[] {
  return passthrough;
}
