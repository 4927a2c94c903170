import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppConfig } from '@ruche/config';

/**
 * Where the bytes of uploads live. Keys are random uuids chosen by the server, never names from the client.
 * `FileMediaStorage` is the default; an object store (S3…) replaces it by providing another class for this
 * token in `MediaModule`.
 */
export abstract class MediaStorage {
  abstract put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The stored bytes, or null when nothing is stored under `key`. */
  abstract get(key: string): Promise<Readable | null>;
  abstract delete(key: string): Promise<void>;
}

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Files under `<DATA_DIR>/uploads/`, spread over 256 folders by the key's first two characters. */
@Injectable()
export class FileMediaStorage extends MediaStorage {
  private readonly root: string;

  constructor(config: AppConfig) {
    super();
    this.root = join(config.dataDir, 'uploads');
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // 'wx': a key is written once; an existing file means a bug, not something to overwrite.
    await writeFile(path, bytes, { flag: 'wx', mode: 0o640 });
  }

  async get(key: string): Promise<Readable | null> {
    try {
      // Opened here, not lazily by the stream, so a missing file is known before anything is sent.
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Keys are checked even though the server makes them: a path never comes from anything else. */
  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid media storage key`);
    return join(this.root, key.slice(0, 2), key);
  }
}
