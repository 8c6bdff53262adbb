/**
 * Flags that apply to every command (proto's global args): `--json` / `PROTO_JSON`, `-y, --yes`,
 * `--log`, and `-c, --config-mode` / `PROTO_CONFIG_MODE`. The program (main.ts) and the cached
 * answers (cached-answers.ts) apply them once the command line is parsed (`applyGlobalOptions`);
 * commands, the session and the error renderer read them here.
 */
import { envSwitch } from '../env-switch.js';
import { ProtoError } from '../errors.js';
import { CONFIG_MODES, type ConfigMode } from '../config/config-types.js';
import { LOG_LEVELS, setLogLevel, type LogLevel } from '../log.js';

export interface GlobalFlags {
  /** Print results (and errors) as JSON on stdout. */
  json: boolean;
  /** Answer yes to every confirmation prompt. */
  yes: boolean;
  /** Which `.prototools` files take part; undefined = the command's own default. */
  configMode?: ConfigMode;
}

/** An environment switch that is on (`1`, `true`, `yes`, `on`, any case). */
export function isTruthy(value: string | undefined): boolean {
  return envSwitch(value) === true;
}

// main.ts fills these in from the environment and the command line before any command runs.
let flags: GlobalFlags = { json: false, yes: false };

/** What the environment says before any flag is parsed (PROTO_JSON, PROTO_CONFIG_MODE). */
export function fromEnv(env: NodeJS.ProcessEnv): GlobalFlags {
  const mode = env.PROTO_CONFIG_MODE?.trim();
  return {
    json: isTruthy(env.PROTO_JSON),
    yes: false,
    ...(mode ? { configMode: parseConfigMode(mode, 'PROTO_CONFIG_MODE') } : {}),
  };
}

export function globalFlags(): Readonly<GlobalFlags> {
  return flags;
}

export function setGlobalFlags(next: Partial<GlobalFlags>): void {
  flags = { ...flags, ...next };
}

/** The program's global options as the command line gives them (commander's attribute names). */
export interface GlobalOptions {
  log?: string;
  json?: boolean;
  yes?: boolean;
  configMode?: string;
}

/**
 * Applies the global options of a parsed command line: the log level, then the flags (`--json`
 * adds to PROTO_JSON, `-c` wins over PROTO_CONFIG_MODE). A value that is not one of the option's
 * is a `cli.invalid_option` error.
 */
export function applyGlobalOptions(options: GlobalOptions): void {
  if (options.log !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(options.log)) {
      throw new ProtoError('cli.invalid_option', `--log must be one of ${LOG_LEVELS.join(', ')}, got "${options.log}"`, {
        hint: 'trace shows config files read, URLs fetched and plugin calls; verbose adds more.',
      });
    }
    setLogLevel(options.log as LogLevel);
  }
  setGlobalFlags({
    json: options.json === true || flags.json,
    yes: options.yes === true,
    ...(options.configMode !== undefined ? { configMode: parseConfigMode(options.configMode, '--config-mode') } : {}),
  });
}

/** `global`, `local`, `upwards`, `upwards-global` (and proto's `all` for the last). */
export function parseConfigMode(value: string, source: string): ConfigMode {
  const mode = value === 'all' ? 'upwards-global' : value;
  if ((CONFIG_MODES as readonly string[]).includes(mode)) return mode as ConfigMode;
  throw new ProtoError('cli.invalid_option', `${source} must be one of ${CONFIG_MODES.join(', ')}, got "${value}"`, {
    hint: 'global: only ~/.proto/.prototools; local: only ./.prototools; upwards: the cwd and its parents; upwards-global: those and the global file (default).',
  });
}

/** True when the command line asks for JSON before `--` (used when parsing itself failed). */
export function argvWantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}
