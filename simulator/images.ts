import { crc32, deflateSync } from 'node:zlib';
import { hashString } from './random.ts';

/**
 * The listing photos Wallapop's CDN would serve, made up offline: a small PNG per image path, its
 * colour a hash of the path (the same path always gives the same picture), with a lighter band so
 * a photo is told from a placeholder at a glance. Listings point at
 * https://cdn.wallapop.com/images/…; the simulator answers the same path under its own origin, so
 * the dashboard's photo step runs end to end without the internet (`--image-origin`).
 */
export const IMAGE_PATH_PREFIX = '/images/';

const SIZE = 48;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

export function thumbnailPng(path: string): Buffer {
  const hash = hashString(path);
  const colour = [(hash >>> 16) & 0xff, (hash >>> 8) & 0xff, hash & 0xff].map((value) => 40 + Math.round((value / 255) * 160));
  const light = colour.map((value) => Math.min(255, value + 60));
  const rows: Buffer[] = [];
  for (let y = 0; y < SIZE; y += 1) {
    const row = Buffer.alloc(1 + SIZE * 3);
    for (let x = 0; x < SIZE; x += 1) {
      const band = Math.abs(x - y) < SIZE / 6;
      const [r, g, b] = band ? light : colour;
      row[1 + x * 3] = r!;
      row[2 + x * 3] = g!;
      row[3 + x * 3] = b!;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
