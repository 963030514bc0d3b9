// The files a composer is about to send: each one validated, uploaded at once with progress, and
// cancellable. A composer reads `paths` when every upload is done and calls `clear()` after sending.
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
	status: 'uploading' | 'done' | 'failed';
	error: string | null;
	path: string;
	cancel: () => void;
}

export class Uploads {
	items = $state<PendingUpload[]>([]);
	/** The last refusal (type, size, count), shown next to the picker. */
	problem = $state<string | null>(null);

	readonly busy = $derived(this.items.some((i) => i.status === 'uploading'));
	readonly paths = $derived(this.items.filter((i) => i.status === 'done').map((i) => i.path));
	readonly failed = $derived(this.items.some((i) => i.status === 'failed'));

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
			cancel: handle.cancel
		});
		handle.promise.then(
			() => {
				const item = this.items.find((i) => i.key === key);
				if (item) item.status = 'done';
			},
			(e: unknown) => {
				const item = this.items.find((i) => i.key === key);
				if (item) {
					item.status = 'failed';
					item.error = e instanceof Error ? e.message : 'The upload failed.';
				}
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

	clear(): void {
		for (const item of this.items) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
		this.items = [];
		this.problem = null;
	}
}
