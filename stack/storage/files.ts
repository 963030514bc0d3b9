// Object bytes on disk. A file is named by the object's version (a server-made UUID), never by
// the user's path, so no object name can reach outside the directory. Bytes land in tmp/ first and
// are renamed into objects/ only while the row's transaction is still open; callers remove the
// file again if that transaction does not commit.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { tooLarge } from './errors.ts';

const VERSION = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Received {
	tmp: string;
	size: number;
	md5: string;
}

export class FileStore {
	readonly root: string;
	/** Called after a version's bytes are gone (its rendered variants go with them). */
	onRemoved: (version: string) => Promise<void> = async () => {};
	constructor(root: string) {
		this.root = root;
	}

	async init(): Promise<void> {
		await mkdir(path.join(this.root, 'objects'), { recursive: true });
		// Leftovers of a crash mid-upload: nothing refers to them.
		await rm(path.join(this.root, 'tmp'), { recursive: true, force: true });
		await mkdir(path.join(this.root, 'tmp'), { recursive: true });
	}

	pathOf(version: string): string {
		if (!VERSION.test(version)) throw new Error(`not a version: ${version}`);
		return path.join(this.root, 'objects', version.slice(0, 2), version);
	}

	/** Streams `source` into a temporary file, refusing more than `limit` bytes. */
	async receive(source: AsyncIterable<Uint8Array>, limit: number): Promise<Received> {
		const tmp = path.join(this.root, 'tmp', randomUUID());
		const hash = createHash('md5');
		let size = 0;
		try {
			await pipeline(
				source,
				async function* (chunks: AsyncIterable<Uint8Array>) {
					for await (const chunk of chunks) {
						size += chunk.length;
						if (size > limit) throw tooLarge();
						hash.update(chunk);
						yield chunk;
					}
				},
				createWriteStream(tmp, { flags: 'wx' })
			);
		} catch (e) {
			await rm(tmp, { force: true });
			throw e;
		}
		return { tmp, size, md5: hash.digest('hex') };
	}

	/** Moves a received file to its version's place. */
	async place(tmp: string, version: string): Promise<void> {
		const dest = this.pathOf(version);
		await mkdir(path.dirname(dest), { recursive: true });
		await rename(tmp, dest);
	}

	async duplicate(from: string, to: string): Promise<void> {
		const dest = this.pathOf(to);
		await mkdir(path.dirname(dest), { recursive: true });
		await copyFile(this.pathOf(from), dest);
	}

	async remove(fileOrVersion: string | null | undefined): Promise<void> {
		if (!fileOrVersion) return;
		const isVersion = VERSION.test(fileOrVersion);
		await rm(isVersion ? this.pathOf(fileOrVersion) : fileOrVersion, { force: true });
		if (isVersion) await this.onRemoved(fileOrVersion);
	}

	async size(version: string): Promise<number | null> {
		try {
			return (await stat(this.pathOf(version))).size;
		} catch {
			return null;
		}
	}

	read(version: string, range?: { start: number; end: number }): NodeJS.ReadableStream {
		return createReadStream(this.pathOf(version), range);
	}
}
