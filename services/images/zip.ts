/**
 * A zip archive whose bytes depend only on the files' names and contents: entries sorted by name,
 * every timestamp 1980-01-01 00:00 (the earliest a zip can hold), regular files of mode 0644,
 * deflated at level 9. Two builds of the same sources give the same archive and the same SHA-256,
 * which is what names a Lambda package in its bucket.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, relative. */
  name: string;
  data: Uint8Array;
}

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const DOS_TIME_MIDNIGHT = 0;
const VERSION_NEEDED = 20; // 2.0: deflate
const MADE_BY_UNIX = (3 << 8) | VERSION_NEEDED;
const REGULAR_FILE_0644 = (0o100644 << 16) >>> 0;

export function deterministicZip(entries: ZipEntry[]): Buffer {
  const names = entries.map((e) => e.name);
  for (const name of names) {
    if (!name || name.startsWith('/') || name.split('/').includes('..')) throw new Error(`zip entry "${name}": expected a relative path inside the archive`);
  }
  if (new Set(names).size !== names.length) throw new Error(`zip entries repeat a name: ${names.join(', ')}`);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = Buffer.from(entry.data);
    const packed = deflateRawSync(data, { level: 9 });
    const fields = { crc: crc32(data), packed: packed.length, size: data.length };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeCommon(local, 4, fields);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    writeCommon(central, 6, fields);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(REGULAR_FILE_0644, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The fields local and central headers share, from "version needed" to the file name's length. */
function writeCommon(b: Buffer, at: number, f: { crc: number; packed: number; size: number }): void {
  b.writeUInt16LE(VERSION_NEEDED, at);
  b.writeUInt16LE(0x0800, at + 2); // names are UTF-8
  b.writeUInt16LE(8, at + 4); // deflate
  b.writeUInt16LE(DOS_TIME_MIDNIGHT, at + 6);
  b.writeUInt16LE(DOS_DATE_1980_01_01, at + 8);
  b.writeUInt32LE(f.crc, at + 10);
  b.writeUInt32LE(f.packed, at + 14);
  b.writeUInt32LE(f.size, at + 18);
}
