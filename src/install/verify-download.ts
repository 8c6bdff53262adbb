/**
 * Step 5.2 of the install (plugin-api §7.2): decide whether the download is the file the plugin's
 * checksum vouches for. When the plugin exports `verify_checksum`, the plugin decides (it gets
 * our digest as `<algo>:<hex>`); otherwise sha checksum files are matched line by line and
 * minisign signatures are verified with the plugin's public key.
 *
 * Returns the checksum recorded in manifest.json (`lock.checksum`).
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { ProtoError } from '../errors.js';
import type { HashAlgorithm } from '../net/index.js';
import { checksumFileMatches, expectedHashFor } from './checksum-file.js';
import type { DownloadedArtifacts } from './download-artifacts.js';
import { verifyMinisign } from './minisign.js';
import type { InstallPluginPort } from './plugin-port.js';

export interface VerifyDownloadInput {
  plugin: InstallPluginPort;
  version: string;
  artifacts: DownloadedArtifacts;
}

export async function verifyDownload(input: VerifyDownloadInput): Promise<{ checksum: string }> {
  const { plugin, version, artifacts } = input;
  const plan = artifacts.checksum;
  if (plan.kind === 'none') return { checksum: `sha256:${await digestOf(artifacts, 'sha256')}` };

  if (plugin.has('verify_checksum')) {
    const algorithm = plan.algorithm === 'minisign' ? 'sha256' : plan.algorithm;
    const hash = await digestOf(artifacts, algorithm);
    const { verified } = await plugin.verifyChecksum({
      version,
      checksumFile: plan.path,
      downloadFile: artifacts.downloadFile,
      downloadChecksum: `${algorithm}:${hash}`,
    });
    if (verified !== true) {
      throw new ProtoError(
        'install.checksum_mismatch',
        `Plugin ${plugin.id} rejected ${artifacts.downloadName} (${algorithm}:${hash}) against ${plan.name}.`,
        { hint: 'The download was modified or corrupted; it was not installed.' },
      );
    }
    return { checksum: `${algorithm}:${hash}` };
  }

  if (plan.algorithm === 'minisign') {
    if (!plan.publicKey) {
      throw new ProtoError('install.missing_public_key', `Plugin ${plugin.id} gave a minisign signature (${plan.name}) but no public key.`, {
        hint: 'The plugin must return checksum_public_key (or a minisign:<key> checksum).',
      });
    }
    const blake = artifacts.hashes.blake2b512;
    await verifyMinisign({
      publicKey: plan.publicKey,
      signatureText: plan.content,
      fileName: artifacts.downloadName,
      signatureName: plan.name,
      blake2b512: blake ? Buffer.from(blake, 'hex') : undefined,
      readFile: async () => (artifacts.body ? Buffer.concat(artifacts.body) : fs.readFile(artifacts.downloadFile)),
      hashFile: async () => Buffer.from(await digestOf(artifacts, 'blake2b512'), 'hex'),
    });
    return { checksum: `minisign:${plan.publicKey}` };
  }

  const hash = await digestOf(artifacts, plan.algorithm);
  if (!checksumFileMatches(plan.content, hash, artifacts.downloadName)) {
    const expected = expectedHashFor(plan.content, artifacts.downloadName, plan.algorithm);
    throw new ProtoError(
      'install.checksum_mismatch',
      `Checksum mismatch for ${artifacts.downloadName}: expected ${
        expected ? `${plan.algorithm}:${expected}` : `an entry for it in ${plan.name} (none found)`
      }, got ${plan.algorithm}:${hash}.`,
      { hint: 'The download was modified or corrupted, or the checksum file is for another release; it was not installed.' },
    );
  }
  return { checksum: `${plan.algorithm}:${hash}` };
}

/** The digest computed while downloading, or (rarely: an unplanned algorithm) a read of the download. */
async function digestOf(artifacts: DownloadedArtifacts, algorithm: HashAlgorithm): Promise<string> {
  const known = artifacts.hashes[algorithm];
  if (known) return known;
  const hash = createHash(algorithm);
  for await (const chunk of artifacts.body ?? createReadStream(artifacts.downloadFile)) hash.update(chunk as Buffer);
  const digest = hash.digest('hex');
  artifacts.hashes[algorithm] = digest;
  return digest;
}
