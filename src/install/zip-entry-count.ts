/**
 * How many entries a zip says it has, read from its end-of-central-directory record alone, so the
 * archive-entries ceiling is checked before any zip library reads the directory. (adm-zip keeps
 * ~10 KB per entry: a 23 MB zip of 200,000 entries took 2.1 GB and 50 s just to list.)
 *
 * Layout (APPNOTE 4.3.16): the record `PK\x05\x06` sits in the last 22 + 65535 bytes (it ends with
 * a comment of up to 65535 bytes); its total entry count is a u16 at offset 10. A zip64 archive
 * puts 0xffff there and the real count (u64 at offset 32) in a zip64 record, found through the
 * locator `PK\x06\x07` that sits right before the classic record.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 65_535;

/** The declared entry count, or undefined when the file has no readable end record (not a zip). */
export function zipEntryCount(file: string): number | undefined {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
    const tail = Buffer.alloc(tailLength);
    readSync(fd, tail, 0, tailLength, size - tailLength);
    for (let at = tailLength - EOCD_SIZE; at >= 0; at--) {
      if (tail.readUInt32LE(at) !== EOCD) continue;
      const count = tail.readUInt16LE(at + 10);
      if (count !== 0xffff) return count;
      return zip64Count(fd, tail, at) ?? count;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function zip64Count(fd: number, tail: Buffer, eocdAt: number): number | undefined {
  const locatorAt = eocdAt - 20;
  if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR) return undefined;
  const recordOffset = Number(tail.readBigUInt64LE(locatorAt + 8));
  const record = Buffer.alloc(56);
  if (readSync(fd, record, 0, 56, recordOffset) !== 56 || record.readUInt32LE(0) !== ZIP64_EOCD) return undefined;
  return Number(record.readBigUInt64LE(32));
}
