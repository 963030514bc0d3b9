// The files a composer is about to send: each one validated, uploaded at once with progress, and
// cancellable. A composer reads `paths` when every upload is done and calls `clear()` after sending.
// Offline (or when the connection drops mid-upload) a file waits instead (`waiting`): the
// composer hands it to the message, which then goes through the offline outbox and uploads it
// when the connection returns.
import type { Db } from '../../db/client';
import {
	fileProblem,
	MAX_ATTACHMENTS,
	mimeOf,
	uploadAttachment,
	uploadPath
} from '../../db/attachments';

export interface PendingUpload {
	key: string;
	name: string;
	kind: 'image' | 'video';
	previewUrl: string | null;
	progress: number;
	/** `waiting`: offline, kept in memory to be queued with the message. */
	status: 'uploading' | 'done' | 'failed' | 'waiting';
	error: string | null;
	path: string;
	file: File;
	cancel: () => void;
}

export class Uploads {
	items = $state<PendingUpload[]>([]);
	/** The last refusal (type, size, count), shown next to the picker. */
	problem = $state<string | null>(null);

	readonly busy = $derived(this.items.some((i) => i.status === 'uploading'));
	readonly paths = $derived(this.items.filter((i) => i.status === 'done').map((i) => i.path));
	readonly failed = $derived(this.items.some((i) => i.status === 'failed'));
	/** Files to queue with the message (offline), each with the object path it will get. */
	readonly waiting = $derived(
		this.items
			.filter((i) => i.status === 'waiting')
			.map((i) => ({ path: i.path, name: i.name, type: mimeOf(i.file), blob: i.file as Blob }))
	);

	#db: () => Db;
	#folder: () => { organizationId: string; userId: string };

	constructor(db: () => Db, folder: () => { organizationId: string; userId: string }) {
		this.#db = db;
		this.#folder = folder;
	}

	add(files: Iterable<File>): void {
		const problems: string[] = [];
		for (const file of files) {
			if (this.items.length >= MAX_ATTACHMENTS) {
				problems.push(`At most ${MAX_ATTACHMENTS} files per message.`);
				break;
			}
			const problem = fileProblem(file);
			if (problem) {
				problems.push(problem);
				continue;
			}
			this.#start(file);
		}
		this.problem = problems.length > 0 ? problems.join(' ') : null;
	}

	#start(file: File): void {
		const { organizationId, userId } = this.#folder();
		const path = uploadPath(organizationId, userId, file);
		const kind = mimeOf(file).startsWith('video/') ? 'video' : 'image';
		const key = crypto.randomUUID();
		const previewUrl =
			kind === 'image' && mimeOf(file) !== 'image/heic' ? URL.createObjectURL(file) : null;
		if (typeof navigator !== 'undefined' && !navigator.onLine) {
			this.items.push({
				key,
				name: file.name,
				kind,
				previewUrl,
				progress: 0,
				status: 'waiting',
				error: null,
				path,
				file,
				cancel: () => {}
			});
			return;
		}
		const handle = uploadAttachment(this.#db(), path, file, (fraction) => {
			const item = this.items.find((i) => i.key === key);
			if (item) item.progress = fraction;
		});
		this.items.push({
			key,
			name: file.name,
			kind,
			previewUrl,
			progress: 0,
			status: 'uploading',
			error: null,
			path,
			file,
			cancel: handle.cancel
		});
		handle.promise.then(
			() => {
				const item = this.items.find((i) => i.key === key);
				if (item) item.status = 'done';
			},
			(e: unknown) => {
				const item = this.items.find((i) => i.key === key);
				if (!item) return;
				if (!navigator.onLine) {
					// The connection went: the file waits to go with the message through the outbox.
					item.status = 'waiting';
					item.progress = 0;
					return;
				}
				item.status = 'failed';
				item.error = e instanceof Error ? e.message : 'The upload failed.';
			}
		);
	}

	remove(key: string): void {
		const item = this.items.find((i) => i.key === key);
		if (!item) return;
		if (item.status === 'uploading') item.cancel();
		if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
		this.items = this.items.filter((i) => i.key !== key);
	}

	/**
	 * For a form that sends the uploaded paths: true when every file is uploaded; otherwise says
	 * why next to the picker (`problem`) and returns false, so the form is not sent without them.
	 */
	readyToSubmit(): boolean {
		if (!this.busy && !this.failed && this.waiting.length === 0) return true;
		this.problem = this.busy
			? 'Wait for the uploads to finish.'
			: 'Remove the files that could not be uploaded first.';
		return false;
	}

	clear(): void {
		for (const item of this.items) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
		this.items = [];
		this.problem = null;
	}
}
