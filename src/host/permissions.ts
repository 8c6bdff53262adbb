/**
 * What a plugin may do through the host: the permission grammar and the one gate every gated host
 * function calls at its start (issue 10, after Lumiverse's manifest `permissions`).
 *
 *   exec:<program> | exec:*     exec_command may run that program (a name, or a path's base name)
 *   net:<host>[:port] | net:*.<domain> | net:*
 *                               send_request, the kernel's http_request, and the download and
 *                               checksum URLs a plugin hands back, by the host the PLUGIN named
 *                               (url-rewrites come later, in the network layer)
 *   env:read[:<NAME>]           get_env_var (every variable, or one)
 *   env:write[:<NAME>]          set_env_var
 *   fs:home, fs:cwd             whether `/userhome` and `/cwd` are mounted at all
 *
 * A plugin with no declared permissions is unrestricted, as every plugin is in proto. Once a list
 * is declared (even an empty one) everything outside it is denied before it happens: the program
 * is not started, the request not sent, the variable not read or written.
 *
 * Trusted: the permission list (from the user's `.prototools` or a manifest the user accepted).
 * Untrusted: every program name, URL and variable name the plugin sends.
 */
import { basename } from 'node:path';
import { ProtoError } from '../errors.js';

/**
 * One permission, as a regular expression. The manifest JSON Schema
 * (`schemas/plugin-manifest.schema.json`, `permissions.items.pattern`) carries the same text; a
 * unit test holds the two equal.
 */
export const PERMISSION_PATTERN =
  '^(?:exec:(?:\\*|[^\\s/\\\\*:]+)|net:(?:\\*|(?:\\*\\.)?[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](?::[0-9]{1,5})?)|env:(?:read|write)(?::[A-Za-z_][A-Za-z0-9_]*)?|fs:(?:home|cwd))$';
const PERMISSION_REGEX = new RegExp(PERMISSION_PATTERN);

/** The host functions whose every call goes through the gate, and the permission family each needs. */
export const GATED_HOST_FUNCTIONS = {
  exec_command: 'exec',
  send_request: 'net',
  http_request: 'net',
  get_env_var: 'env:read',
  set_env_var: 'env:write',
} as const;
export type GatedHostFunction = keyof typeof GATED_HOST_FUNCTIONS;
export type PermissionFamily = (typeof GATED_HOST_FUNCTIONS)[GatedHostFunction];

/** True when `text` is a permission of the grammar above. */
export function isPermission(text: string): boolean {
  return PERMISSION_REGEX.test(text);
}

/** The family of a valid permission: `exec`, `net`, `env:read`, `env:write` or `fs`. */
export function permissionFamily(permission: string): PermissionFamily | 'fs' {
  if (permission.startsWith('env:')) return permission.startsWith('env:read') ? 'env:read' : 'env:write';
  return permission.slice(0, permission.indexOf(':')) as PermissionFamily | 'fs';
}

interface HostRule {
  /** Lowercase host name or bracketed IPv6 address; `*.example.com` keeps its `*.`. */
  host: string;
  /** Undefined: any port. */
  port?: string;
}

/**
 * A parsed permission list. `undefined` list = unrestricted. Immutable; cheap to ask.
 */
export class PluginPermissions {
  private readonly programs = new Set<string>();
  private readonly hosts: HostRule[] = [];
  private readonly readable = new Set<string>();
  private readonly writable = new Set<string>();
  private readonly granted: ReadonlySet<string>;

  private constructor(
    /** As declared, in order; undefined when the plugin declared none (unrestricted). */
    readonly declared: readonly string[] | undefined,
  ) {
    this.granted = new Set(declared ?? []);
    for (const permission of declared ?? []) {
      const [family, rest = ''] = splitOnce(permission);
      if (family === 'exec') this.programs.add(rest);
      else if (family === 'net') this.hosts.push(parseHostRule(rest));
      else if (family === 'env') {
        const [mode, name = '*'] = splitOnce(rest);
        (mode === 'read' ? this.readable : this.writable).add(name);
      }
    }
  }

  static readonly UNRESTRICTED = new PluginPermissions(undefined);

  /**
   * Parses a list; `where` names its origin in the error (`[tools.node] permissions`, a manifest).
   * Undefined stays unrestricted; duplicates are dropped.
   */
  static parse(list: readonly string[] | undefined, where: string): PluginPermissions {
    if (list === undefined) return PluginPermissions.UNRESTRICTED;
    const invalid = list.filter((permission) => !isPermission(permission));
    if (invalid.length > 0) {
      throw new ProtoError('plugin.invalid_permission', `${where}: ${invalid.map((p) => JSON.stringify(p)).join(', ')} ${invalid.length === 1 ? 'is not a permission' : 'are not permissions'}.`, {
        hint: 'Permissions are exec:<program>, net:<host>, env:read[:<NAME>], env:write[:<NAME>], fs:home and fs:cwd (exec:* and net:* allow any).',
      });
    }
    return new PluginPermissions([...new Set(list)]);
  }

  /** Both lists together; unrestricted only when both are. */
  static union(a: readonly string[] | undefined, b: readonly string[] | undefined): readonly string[] | undefined {
    if (a === undefined && b === undefined) return undefined;
    return [...new Set([...(a ?? []), ...(b ?? [])])];
  }

  get restricted(): boolean {
    return this.declared !== undefined;
  }

  /** Whether any permission of `family` is declared (the install-time scan asks this). */
  declaresFamily(family: PermissionFamily | 'fs'): boolean {
    return !this.restricted || (this.declared ?? []).some((permission) => permissionFamily(permission) === family);
  }

  get mountsHome(): boolean {
    return !this.restricted || this.granted.has('fs:home');
  }

  get mountsCwd(): boolean {
    return !this.restricted || this.granted.has('fs:cwd');
  }

  /** `exec:<program>` for a program name or a path's base name (`.exe` etc. ignored on Windows). */
  allowsProgram(command: string): boolean {
    if (!this.restricted || this.programs.has('*')) return true;
    return this.programs.has(programName(command));
  }

  /** The host of `url` as the plugin wrote it; false for anything that is not a URL with a host. */
  allowsUrl(url: string): boolean {
    if (!this.restricted) return true;
    const target = urlHost(url);
    if (!target) return false;
    return this.hosts.some((rule) => matchesHost(rule, target));
  }

  allowsEnvRead(name: string): boolean {
    return !this.restricted || this.readable.has('*') || this.readable.has(name);
  }

  allowsEnvWrite(name: string): boolean {
    return !this.restricted || this.writable.has('*') || this.writable.has(name);
  }
}

/**
 * A refused host call. It is thrown inside the host function, so the guest's call fails and the
 * container reports it as `plugin.permission_denied`, naming the plugin and function.
 */
export class PermissionDeniedError extends ProtoError {
  constructor(
    readonly pluginId: string,
    /** `exec_command`, `send_request`, `http_request`, `get_env_var`, `set_env_var`, or `download_prebuilt` for handed-back URLs. */
    readonly hostFunction: string,
    /** What was asked, in words: `run "curl"`, `reach host evil.test (https://evil.test/x)`. */
    readonly asked: string,
    /** The permission that would allow it. */
    readonly missing: string,
    declared: readonly string[],
  ) {
    super('plugin.permission_denied', `${hostFunction} may not ${asked}: plugin "${pluginId}" lacks the permission "${missing}"`, {
      hint: grantHint(pluginId, missing, declared),
    });
    this.name = 'PermissionDeniedError';
  }
}

function grantHint(pluginId: string, missing: string, declared: readonly string[]): string {
  const list = [...declared, missing].map((permission) => JSON.stringify(permission)).join(', ');
  return `If you trust it to, grant it in .prototools: [tools.${pluginId}] permissions = [${list}] (or in the "permissions" of the plugin's manifest).`;
}

/**
 * The gate of one plugin: each gated host function calls one of these first and does nothing
 * when it throws.
 */
export class PermissionGate {
  constructor(
    readonly pluginId: string,
    readonly permissions: PluginPermissions,
  ) {}

  /** `exec_command`: the command, and a shell the plugin asked to wrap it in. */
  checkExec(command: string, shell?: string): void {
    for (const program of shell === undefined ? [command] : [shell, command]) {
      if (!this.permissions.allowsProgram(program)) this.deny('exec_command', `run "${program}"`, `exec:${programName(program)}`);
    }
  }

  /** A URL the plugin fetches (`send_request`, `http_request`) or hands back for us to fetch. */
  checkUrl(hostFunction: string, url: string, what = 'fetch'): void {
    if (this.permissions.allowsUrl(url)) return;
    const target = urlHost(url);
    if (!target) this.deny(hostFunction, `${what} ${JSON.stringify(url)}, which names no host`, 'net:<host>');
    this.deny(hostFunction, `${what} ${url}`, `net:${target.host}`);
  }

  /**
   * The URLs a plugin hands back in `download_prebuilt` for us to fetch, gated like its own
   * requests, by the host it named (before url-rewrites).
   */
  checkDownloadUrls(output: { download_url?: unknown; checksum_url?: unknown }): void {
    for (const [field, url] of [['download_url', output.download_url], ['checksum_url', output.checksum_url]] as const) {
      if (typeof url === 'string' && url !== '') this.checkUrl('download_prebuilt', url, `hand back the ${field}`);
    }
  }

  checkEnvRead(name: string): void {
    if (!this.permissions.allowsEnvRead(name)) this.deny('get_env_var', `read the variable ${name}`, `env:read:${name}`);
  }

  checkEnvWrite(name: string): void {
    if (!this.permissions.allowsEnvWrite(name)) this.deny('set_env_var', `set the variable ${name}`, `env:write:${name}`);
  }

  private deny(hostFunction: string, asked: string, missing: string): never {
    throw new PermissionDeniedError(this.pluginId, hostFunction, asked, missing, this.permissions.declared ?? []);
  }
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf(':');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** `git`, `/usr/bin/git` and (on Windows) `C:\Git\git.EXE` are all the program `git`. */
function programName(command: string): string {
  const name = basename(command.replace(/\\/g, '/'));
  return process.platform === 'win32' ? name.replace(/\.(exe|cmd|bat|com)$/i, '').toLowerCase() : name;
}

function parseHostRule(text: string): HostRule {
  if (text === '*') return { host: '*' };
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text)!;
  return { host: match[1]!.toLowerCase(), ...(match[2] ? { port: match[2] } : {}) };
}

function urlHost(url: string): { host: string; port: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.hostname === '') return undefined;
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '');
  return { host: parsed.hostname.toLowerCase(), port };
}

function matchesHost(rule: HostRule, target: { host: string; port: string }): boolean {
  if (rule.host === '*') return true;
  if (rule.port !== undefined && rule.port !== target.port) return false;
  if (rule.host.startsWith('*.')) return target.host.endsWith(rule.host.slice(1));
  return rule.host === target.host;
}
