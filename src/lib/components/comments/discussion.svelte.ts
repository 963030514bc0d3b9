// One workout thread in the browser: the loaded pages, optimistic sends (client_id, failed/retry),
// live updates from `user:<me>` and typing on `assignment:<id>`, read marking.
import type { Db } from '../../db/client';
import type { Attachment } from '../../db/attachments';
import {
	COMMENT_PAGE,
	displayNames,
	listWorkoutComments,
	markWorkoutCommentsRead,
	postWorkoutComment,
	type WorkoutComment
} from '../../db/comments';
import { moderateDeleteMessage } from '../../db/moderation';
import { listen } from '../../realtime-hub';
import { uuidV7 } from '../../ids';

export interface OutgoingComment {
	clientId: string;
	content: string;
	paths: string[];
	status: 'sending' | 'failed';
	error: string | null;
	created_at: string;
}

const TYPING_SHOW_MS = 4000;
const TYPING_SEND_EVERY_MS = 2500;

const byTime = (a: WorkoutComment, b: WorkoutComment) =>
	a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1;

export class Discussion {
	comments = $state<WorkoutComment[]>([]);
	outgoing = $state<OutgoingComment[]>([]);
	names = $state<Record<string, string>>({});
	loading = $state(true);
	loadingOlder = $state(false);
	hasOlder = $state(false);
	error = $state<string | null>(null);
	typing = $state<Record<string, { name: string; until: number }>>({});
	now = $state(Date.now());

	readonly typingNames = $derived(
		Object.values(this.typing)
			.filter((t) => t.until > this.now)
			.map((t) => t.name)
	);

	#db: Db;
	#assignmentId: string;
	#me: { id: string; display_name: string };
	#onRead: () => void;
	#stops: (() => void)[] = [];
	#lastTypingSent = 0;
	#sendTyping: (() => void) | null = null;

	constructor(
		db: Db,
		assignmentId: string,
		me: { id: string; display_name: string },
		onRead: () => void
	) {
		this.#db = db;
		this.#assignmentId = assignmentId;
		this.#me = me;
		this.#onRead = onRead;
		this.names = { [me.id]: me.display_name };
	}

	nameOf(id: string): string {
		return this.names[id] ?? 'Someone';
	}

	/** Starts loading and listening; returns the cleanup. */
	start(): () => void {
		void this.refresh(true);
		const user = listen(
			this.#db,
			`user:${this.#me.id}`,
			(event, payload) => {
				if (payload.workout_assignment_id !== this.#assignmentId) return;
				if (event.startsWith('comment_') || event === 'attachment_added') {
					if (event === 'comment_created' && typeof payload.sender_id === 'string') {
						delete this.typing[payload.sender_id];
					}
					void this.refresh(false);
				}
			},
			(status) => {
				// Joined (also a late join of a channel already open, or again after a drop): pull
				// what was missed.
				if (status === 'SUBSCRIBED') void this.refresh(false);
			}
		);
		const topic = listen(this.#db, `assignment:${this.#assignmentId}`, (event, payload) => {
			if (event !== 'typing' || typeof payload.user_id !== 'string') return;
			if (payload.user_id === this.#me.id) return;
			const name = typeof payload.display_name === 'string' ? payload.display_name : 'Someone';
			this.typing[payload.user_id] = { name, until: Date.now() + TYPING_SHOW_MS };
			this.now = Date.now();
		});
		this.#sendTyping = () =>
			topic.send('typing', { user_id: this.#me.id, display_name: this.#me.display_name });
		const tick = setInterval(() => (this.now = Date.now()), 1000);
		const onVisible = () => {
			if (document.visibilityState === 'visible') void this.refresh(false);
		};
		document.addEventListener('visibilitychange', onVisible);
		window.addEventListener('online', onVisible);
		this.#stops.push(
			user.stop,
			topic.stop,
			() => clearInterval(tick),
			() => {
				document.removeEventListener('visibilitychange', onVisible);
				window.removeEventListener('online', onVisible);
			}
		);
		return () => this.stop();
	}

	stop(): void {
		for (const s of this.#stops.splice(0)) s();
		this.#sendTyping = null;
	}

	/** Re-reads the newest page and merges it in (new, changed and removed comments). */
	async refresh(first: boolean): Promise<void> {
		try {
			const page = await listWorkoutComments(this.#db, this.#assignmentId);
			if (first) this.hasOlder = page.length >= COMMENT_PAGE;
			this.#merge(page);
			this.error = null;
			await this.#markRead();
		} catch (e) {
			this.error = e instanceof Error ? e.message : 'Could not load the comments.';
		} finally {
			this.loading = false;
		}
	}

	async loadOlder(): Promise<void> {
		const oldest = this.comments[0];
		if (!oldest || this.loadingOlder) return;
		this.loadingOlder = true;
		try {
			const page = await listWorkoutComments(this.#db, this.#assignmentId, oldest.created_at);
			this.hasOlder = page.length >= COMMENT_PAGE;
			this.#merge(page);
		} catch (e) {
			this.error = e instanceof Error ? e.message : 'Could not load older comments.';
		} finally {
			this.loadingOlder = false;
		}
	}

	#merge(page: WorkoutComment[]): void {
		const byId: Record<string, WorkoutComment> = {};
		for (const c of this.comments) byId[c.id] = c;
		for (const c of page) byId[c.id] = c;
		this.comments = Object.values(byId).sort(byTime);
		const missing = page
			.map((c) => c.sender_id)
			.filter((id, i, all) => all.indexOf(id) === i && !this.names[id]);
		if (missing.length > 0) {
			void displayNames(this.#db, missing).then((names) => {
				for (const [id, name] of names) this.names[id] = name;
			});
		}
	}

	async #markRead(): Promise<void> {
		if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
		const unreadFromOthers = this.comments.some(
			(c) => c.recipient_id === this.#me.id && !c.read_at && !c.deleted_at
		);
		if (!unreadFromOthers) {
			this.#onRead();
			return;
		}
		try {
			await markWorkoutCommentsRead(this.#db, this.#assignmentId);
			this.#onRead();
		} catch {
			// Read marks are best effort: the next open marks again.
		}
	}

	typed(): void {
		const now = Date.now();
		if (now - this.#lastTypingSent < TYPING_SEND_EVERY_MS) return;
		this.#lastTypingSent = now;
		this.#sendTyping?.();
	}

	send(content: string, paths: string[]): void {
		const item: OutgoingComment = {
			clientId: uuidV7(),
			content,
			paths,
			status: 'sending',
			error: null,
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, not state
			created_at: new Date().toISOString()
		};
		this.outgoing.push(item);
		void this.#post(item.clientId);
	}

	retry(clientId: string): void {
		const item = this.outgoing.find((o) => o.clientId === clientId);
		if (!item) return;
		item.status = 'sending';
		item.error = null;
		void this.#post(clientId);
	}

	discard(clientId: string): void {
		this.outgoing = this.outgoing.filter((o) => o.clientId !== clientId);
	}

	async #post(clientId: string): Promise<void> {
		const item = this.outgoing.find((o) => o.clientId === clientId);
		if (!item) return;
		try {
			// The same client_id on a retry: the database returns the first message, never a twin.
			await postWorkoutComment(this.#db, {
				assignmentId: this.#assignmentId,
				content: item.content,
				clientId,
				objectPaths: item.paths
			});
			await this.refresh(false);
			this.discard(clientId);
		} catch (e) {
			const current = this.outgoing.find((o) => o.clientId === clientId);
			if (current) {
				current.status = 'failed';
				current.error = e instanceof Error ? e.message : 'Not sent.';
			}
		}
	}

	async moderate(messageId: string, reason: string): Promise<void> {
		await moderateDeleteMessage(this.#db, messageId, reason);
		await this.refresh(false);
	}
}

export type { Attachment };
