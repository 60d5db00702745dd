import zlib from 'node:zlib';

/** A part of a ZIP file made by a test: its content, or (for a bomb) content already deflated and the size it claims. */
export type ZipPart = { name: string; content: Buffer | string } | { name: string; deflated: Buffer; size: number; crc: number };

/** A ZIP file from parts (deflated), as Office writes them, for tests that need a workbook or document byte by byte. */
export function zipFile(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const content = 'content' in part ? Buffer.from(part.content) : null;
    const data = content ? zlib.deflateRawSync(content) : (part as { deflated: Buffer }).deflated;
    const size = content ? content.length : (part as { size: number }).size;
    const crc = content ? zlib.crc32(content) : (part as { crc: number }).crc;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc >>> 0, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(size >>> 0, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    directory.push(entry, name);
    offset += 30 + name.length + data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directoryBytes, end]);
}

/** `repeat` copies of `unit` between `before` and `after`, deflated as a stream (a 300 MB part in a few hundred KB). */
export async function deflatedRepeat(
  before: string,
  unit: string,
  repeat: number,
  after: string,
): Promise<{ deflated: Buffer; size: number; crc: number }> {
  const copies = Math.max(1, Math.floor((1 << 20) / unit.length));
  const chunk = Buffer.from(unit.repeat(copies));
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const pieces: Buffer[] = [];
  deflate.on('data', (piece: Buffer) => pieces.push(piece));
  const finished = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  let crc = 0;
  const write = async (data: Buffer) => {
    crc = zlib.crc32(data, crc);
    if (!deflate.write(data)) await new Promise((resolve) => deflate.once('drain', resolve));
  };
  await write(Buffer.from(before));
  for (let left = repeat; left > 0; left -= copies) await write(left >= copies ? chunk : Buffer.from(unit.repeat(left)));
  await write(Buffer.from(after));
  deflate.end();
  await finished;
  return { deflated: Buffer.concat(pieces), size: before.length + unit.length * repeat + after.length, crc };
}
