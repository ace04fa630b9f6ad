import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { checkCredentialsRef, checkCredentialValues, parseCredentialValues } from '../core/credential-values';
import type { CredentialResolver, CredentialStore } from '../core/ports';
import { PlugboardError } from '../sdk/errors';

export interface FileCredentialStoreProps {
  /** The platform's state directory (`.plugboard`); created with mode 0700 when missing. */
  readonly dir: string;
}

const KEY_FILE = 'credentials.key';
const DATA_FILE = 'credentials.json';
const KEY_BYTES = 32;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const EntrySchema = z.strictObject({
  names: z.array(z.string()),
  updatedAt: z.string(),
  iv: b64,
  tag: b64,
  data: b64,
});
const FileSchema = z.strictObject({ version: z.literal(1), entries: z.record(z.string(), EntrySchema) });
type CredentialsFile = z.infer<typeof FileSchema>;

/**
 * Credentials on one machine: AES-256-GCM, one file. Field names stay readable, as the secret's tag
 * keeps them on AWS; each ref's values are one ciphertext whose associated data is the ref and its names, so an
 * entry moved to another ref or renamed fails to decrypt. The key lives beside it, mode 0600.
 * Every write replaces the file atomically (temp file, fsync, rename).
 */
export class FileCredentialStore implements CredentialStore, CredentialResolver {
  private readonly dir: string;
  private readonly dataFile: string;
  private readonly keyFile: string;
  private key: Promise<Buffer> | undefined;
  /** Writes in this process run one after another; each reads the file fresh. */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The file as last read, still encrypted, with what `stat` said of it then. A call's credentials are
   * resolved on every call of an instance that has them, and reading and checking the whole file each
   * time cost 1.3 ms with 200 instances' credentials in it and 16 ms with 2,000 (bench/credential-file.ts). Every write replaces
   * the file by a rename, so a file written since, by this process or another, is another inode.
   */
  private lastRead: { readonly version: string; readonly file: CredentialsFile } | undefined;

  constructor(props: FileCredentialStoreProps) {
    this.dir = props.dir;
    this.dataFile = join(props.dir, DATA_FILE);
    this.keyFile = join(props.dir, KEY_FILE);
  }

  put(ref: string, values: Record<string, string>): Promise<void> {
    const checkedRef = checkCredentialsRef(ref);
    const checked = checkCredentialValues(values);
    const names = Object.keys(checked).sort();
    return this.write(async (file) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', await this.loadKey(file), iv);
      cipher.setAAD(associatedData(checkedRef, names));
      const data = Buffer.concat([cipher.update(JSON.stringify(checked), 'utf8'), cipher.final()]);
      file.entries[checkedRef] = {
        names,
        updatedAt: new Date().toISOString(),
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
      return true;
    });
  }

  delete(ref: string): Promise<void> {
    const checkedRef = checkCredentialsRef(ref);
    return this.write(async (file) => {
      if (!Object.hasOwn(file.entries, checkedRef)) return false;
      delete file.entries[checkedRef];
      return true;
    });
  }

  async resolve(ref: string): Promise<Record<string, string> | undefined> {
    const checkedRef = checkCredentialsRef(ref);
    const file = await this.readUnchanged();
    const entry = Object.hasOwn(file.entries, checkedRef) ? file.entries[checkedRef] : undefined;
    if (!entry) return undefined;
    const unreadable = new PlugboardError(
      'Internal',
      `the local credentials of ${checkedRef} cannot be decrypted: ${DATA_FILE} or ${KEY_FILE} was altered or replaced`,
    );
    const key = await this.loadKey(file);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(entry.iv, 'base64'));
      decipher.setAAD(associatedData(checkedRef, entry.names));
      decipher.setAuthTag(Buffer.from(entry.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(entry.data, 'base64')), decipher.final()]);
      const values = parseCredentialValues(JSON.parse(plain.toString('utf8')));
      if (!values) throw unreadable;
      return values;
    } catch {
      throw unreadable;
    }
  }

  private write(change: (file: CredentialsFile) => Promise<boolean>): Promise<void> {
    const run = this.queue.then(async () => {
      const file = await this.readFile();
      if (await change(file)) await this.replaceFile(JSON.stringify(file, null, 2));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The file as last read while it has not changed since, else read again. Never to be changed in place. */
  private async readUnchanged(): Promise<CredentialsFile> {
    const version = await this.fileVersion();
    if (version !== undefined && this.lastRead?.version === version) return this.lastRead.file;
    const file = await this.readFile();
    // Read after the stat: a write landing between the two is read again by the next call.
    this.lastRead = version === undefined ? undefined : { version, file };
    return file;
  }

  private async fileVersion(): Promise<string | undefined> {
    try {
      const { ino, size, mtimeMs } = await stat(this.dataFile);
      return `${ino}:${size}:${mtimeMs}`;
    } catch {
      return undefined;
    }
  }

  private async readFile(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await readFile(this.dataFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: {} };
      throw new PlugboardError(
        'Internal',
        `the local ${DATA_FILE} cannot be read (${(error as NodeJS.ErrnoException).code})`,
      );
    }
    const corrupted = new PlugboardError(
      'Internal',
      `the local ${DATA_FILE} is corrupted; restore it from a backup or delete it and set the credentials again`,
    );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw corrupted;
    }
    const parsed = FileSchema.safeParse(json);
    if (!parsed.success) throw corrupted;
    return parsed.data;
  }

  private async replaceFile(text: string): Promise<void> {
    await this.ensureDir();
    const temp = `${this.dataFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.dataFile);
    } catch (error) {
      await rm(temp, { force: true });
      throw new PlugboardError(
        'Internal',
        `the local ${DATA_FILE} cannot be written (${(error as NodeJS.ErrnoException).code})`,
      );
    }
  }

  /** The key, created on first use; refuses to make a new one while values encrypted under the old one exist. */
  private loadKey(file: CredentialsFile): Promise<Buffer> {
    this.key ??= this.readOrCreateKey(Object.keys(file.entries).length > 0);
    this.key.catch(() => {
      this.key = undefined;
    });
    return this.key;
  }

  private async readOrCreateKey(valuesExist: boolean): Promise<Buffer> {
    try {
      return checkKey(await readFile(this.keyFile, 'utf8'));
    } catch (error) {
      if (error instanceof PlugboardError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT')
        throw new PlugboardError('Internal', `the local ${KEY_FILE} cannot be read (${code})`);
    }
    if (valuesExist) {
      throw new PlugboardError(
        'Internal',
        `the local ${KEY_FILE} is missing but ${DATA_FILE} holds encrypted values; restore the key or delete ${DATA_FILE}`,
      );
    }
    await this.ensureDir();
    const key = randomBytes(KEY_BYTES);
    try {
      const handle = await open(this.keyFile, 'wx', 0o600);
      try {
        await handle.writeFile(key.toString('base64'), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      return key;
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        return checkKey(await readFile(this.keyFile, 'utf8'));
      throw new PlugboardError(
        'Internal',
        `the local ${KEY_FILE} cannot be created (${(error as NodeJS.ErrnoException).code})`,
      );
    }
  }

  private async ensureDir(): Promise<void> {
    const created = await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (created !== undefined) await chmod(this.dir, 0o700);
  }
}

function checkKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new PlugboardError('Internal', `the local ${KEY_FILE} is not a ${KEY_BYTES}-byte base64 key`);
  }
  return key;
}

const associatedData = (ref: string, names: readonly string[]) =>
  Buffer.from(JSON.stringify([ref, names]), 'utf8');
