import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { link, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const HEX_SHA512 = /^[0-9a-f]{128}$/;

export const sha512Hex = (data: Buffer) => createHash('sha512').update(data).digest('hex');

/** `sha512-<base64>` → the hex digest that addresses the file in the store. */
export function hexOfIntegrity(integrity: string): string {
  return Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
}

/**
 * Files addressed by the SHA-512 of their bytes: `<root>/sha512/<hex[0..2]>/<hex>`. A file is
 * written under a temporary name and linked into place, so a reader never sees a partial file, and
 * writing bytes that are already stored changes nothing.
 */
export class ContentStore {
  constructor(private readonly root: string) {}

  pathOf(hex: string): string {
    if (!HEX_SHA512.test(hex)) throw new Error(`not a sha512 hex digest: ${hex}`);
    return join(this.root, 'sha512', hex.slice(0, 2), hex);
  }

  /** Stores the bytes and returns their hex digest. */
  async put(data: Buffer): Promise<string> {
    const hex = sha512Hex(data);
    const path = this.pathOf(hex);
    if (await this.has(hex)) return hex;
    await mkdir(join(this.root, 'sha512', hex.slice(0, 2)), { recursive: true });
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    const temporary = join(this.root, 'tmp', `${hex.slice(0, 16)}-${randomBytes(8).toString('hex')}`);
    try {
      await writeFile(temporary, data, { flag: 'wx' });
      // link() fails when the target exists, so two writers of the same bytes cannot clobber each other.
      await link(temporary, path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(temporary, { force: true });
    }
    return hex;
  }

  async has(hex: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(hex))).isFile();
    } catch {
      return false;
    }
  }

  read(hex: string): ReadStream {
    return createReadStream(this.pathOf(hex));
  }
}
