import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { excerpt } from './excerpt';

/**
 * The central directory of a ZIP file (Office documents and workbooks are ZIP files), read from a buffer with every
 * offset checked, so a hostile file can make it refuse but never read out of bounds or loop. ZIP64 and encrypted
 * entries are refused: no Office file under the upload limits needs them.
 */

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** As the directory declares it: a hostile file may lie, so readers count what they actually inflate. */
  declaredSize: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_ENTRIES = 20_000;

export function looksLikeZip(file: Buffer): boolean {
  return file.length >= 4 && file.readUInt32LE(0) === LOCAL_HEADER;
}

/** The entries of the ZIP file, or a ZipError saying why it cannot be read. */
export function readZipDirectory(file: Buffer): ZipEntry[] {
  // The end record is in the last 22 bytes, plus a comment of at most 65,535 bytes.
  let end = -1;
  for (let at = file.length - 22; at >= Math.max(0, file.length - 22 - 0xffff); at--) {
    if (file.readUInt32LE(at) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new ZipError('it is not a complete ZIP file (no central directory)');
  const count = file.readUInt16LE(end + 10);
  const size = file.readUInt32LE(end + 12);
  const offset = file.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new ZipError('it is a ZIP64 file, which is not accepted');
  if (count > MAX_ENTRIES) throw new ZipError(`it has more than ${MAX_ENTRIES} files inside`);
  if (offset + size > end) throw new ZipError('its central directory is damaged');
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || file.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new ZipError('its central directory is damaged');
    const flags = file.readUInt16LE(at + 8);
    const nameLength = file.readUInt16LE(at + 28);
    const extraLength = file.readUInt16LE(at + 30);
    const commentLength = file.readUInt16LE(at + 32);
    if (at + 46 + nameLength > end) throw new ZipError('its central directory is damaged');
    const entry: ZipEntry = {
      name: file.toString('utf8', at + 46, at + 46 + nameLength),
      method: file.readUInt16LE(at + 10),
      compressedSize: file.readUInt32LE(at + 20),
      declaredSize: file.readUInt32LE(at + 24),
      localHeaderOffset: file.readUInt32LE(at + 42),
      encrypted: (flags & 1) === 1,
    };
    if (entry.compressedSize === 0xffffffff || entry.declaredSize === 0xffffffff || entry.localHeaderOffset === 0xffffffff)
      throw new ZipError('it is a ZIP64 file, which is not accepted');
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The compressed bytes of an entry, located through its local header. */
function entryData(file: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > file.length || file.readUInt32LE(at) !== LOCAL_HEADER)
    throw new ZipError(`the entry ${excerpt(entry.name, 100)} is damaged`);
  const start = at + 30 + file.readUInt16LE(at + 26) + file.readUInt16LE(at + 28);
  if (start + entry.compressedSize > file.length) throw new ZipError(`the entry ${excerpt(entry.name, 100)} is damaged`);
  return file.subarray(start, start + entry.compressedSize);
}

/**
 * An entry's content as a stream of chunks, inflated as it is read. `budget.bytes` is shared by every entry read for
 * one file and counts what is really inflated (not what the directory declares): passing it throws `tooLarge()`.
 */
export async function* entryChunks(
  file: Buffer,
  entry: ZipEntry,
  budget: { bytes: number; tooLarge: () => Error },
): AsyncGenerator<Buffer> {
  if (entry.encrypted) throw new ZipError(`the entry ${excerpt(entry.name, 100)} is encrypted`);
  const data = entryData(file, entry);
  const take = (chunk: Buffer) => {
    budget.bytes -= chunk.length;
    if (budget.bytes < 0) throw budget.tooLarge();
    return chunk;
  };
  if (entry.method === 0) {
    for (let at = 0; at < data.length; at += 1 << 16) yield take(data.subarray(at, at + (1 << 16)));
    return;
  }
  if (entry.method !== 8) throw new ZipError(`the entry ${excerpt(entry.name, 100)} is compressed in a way that is not accepted`);
  const inflater = Readable.from([data]).pipe(zlib.createInflateRaw());
  try {
    for await (const chunk of inflater) yield take(chunk as Buffer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    throw typeof code === 'string' && code.startsWith('Z_') ? new ZipError(`the entry ${excerpt(entry.name, 100)} is damaged`) : error;
  } finally {
    inflater.destroy();
  }
}
