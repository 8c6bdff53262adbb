/**
 * Permissions in plain words, for the trust prompt and `proto plugin info`: "may run: git, rustup".
 * The grammar and its meaning are `src/host/permissions.ts`; this only words them.
 */
import { permissionFamily } from '../host/index.js';

/** `permissions: <first line>` with the other lines aligned under it. */
export function permissionsBlock(permissions: readonly string[] | undefined, label = 'permissions: '): string[] {
  return describePermissions(permissions).map((line, index) => (index === 0 ? label : ' '.repeat(label.length)) + line);
}

/** Lines describing what a plugin with these permissions may do (undefined = unrestricted). */
export function describePermissions(permissions: readonly string[] | undefined): string[] {
  if (permissions === undefined) {
    return ['unrestricted (it declares none): may run any program, reach any host, read and set any environment variable, and see your home and working directories'];
  }
  if (permissions.length === 0) return ['none: may not run programs, use the network or environment variables, nor see your home or working directory'];
  const valuesOf = (family: string, prefixLength: number) =>
    permissions.filter((permission) => permissionFamily(permission) === family).map((permission) => permission.slice(prefixLength));
  const list = (values: string[], any: string, anyValue = '*') => (values.includes(anyValue) ? any : values.join(', '));
  const lines: string[] = [];
  const programs = valuesOf('exec', 'exec:'.length);
  if (programs.length > 0) lines.push(`may run: ${list(programs, 'any program')}`);
  const hosts = valuesOf('net', 'net:'.length);
  if (hosts.length > 0) lines.push(`may connect to: ${list(hosts, 'any host')}`);
  const reads = valuesOf('env:read', 'env:read'.length).map((rest) => rest.replace(/^:/, '') || '*');
  if (reads.length > 0) lines.push(`may read environment variables: ${list(reads, 'any')}`);
  const writes = valuesOf('env:write', 'env:write'.length).map((rest) => rest.replace(/^:/, '') || '*');
  if (writes.length > 0) lines.push(`may set environment variables: ${list(writes, 'any')}`);
  const dirs = [permissions.includes('fs:home') ? 'your home directory' : undefined, permissions.includes('fs:cwd') ? 'the working directory' : undefined].filter(Boolean);
  if (dirs.length > 0) lines.push(`may see: ${dirs.join(', ')}`);
  return lines;
}
