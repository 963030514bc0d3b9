// "X is typing…" in a direct conversation: a client broadcast on the pair's private DM topic,
// sent at most every two seconds while I type and shown for five after the other person's last.
import { listen, type HubSubscription } from '../realtime-hub';
import { browserClient } from '../supabase-browser';
import type { Pair } from './message-list.svelte';

const TYPING_SEND_EVERY_MS = 2000;
const TYPING_SHOWN_FOR_MS = 5000;

/** The DM topic of a pair: `dm:<org>:<lower user id>:<higher user id>` (DESIGN.md). */
export function dmTopic(organizationId: string, a: string, b: string): string {
	const [low, high] = [a.toLowerCase(), b.toLowerCase()].sort();
	return `dm:${organizationId}:${low}:${high}`;
}

export class Typing {
	otherTyping = $state(false);
	readonly #pair: Pair;
	#channel: HubSubscription | null = null;
	#sentAt = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(pair: Pair) {
		this.#pair = pair;
	}

	join(): void {
		const { organizationId, me, other } = this.#pair;
		// A refused join (say, a block) just means no typing indicator.
		this.#channel = listen(
			browserClient(),
			dmTopic(organizationId, me, other),
			(event, payload) => {
				if (event !== 'typing' || payload.user_id !== other) return;
				this.otherTyping = true;
				clearTimeout(this.#timer);
				this.#timer = setTimeout(() => (this.otherTyping = false), TYPING_SHOWN_FOR_MS);
			}
		);
	}

	leave(): void {
		clearTimeout(this.#timer);
		this.#channel?.stop();
		this.#channel = null;
	}

	/** Tells the other person I am typing, at most every two seconds. */
	typing(): void {
		const now = Date.now();
		if (!this.#channel || now - this.#sentAt < TYPING_SEND_EVERY_MS) return;
		this.#sentAt = now;
		this.#channel.send('typing', { user_id: this.#pair.me });
	}

	/** Their message arrived: they are no longer typing it. */
	stoppedByMessage(): void {
		this.otherTyping = false;
		clearTimeout(this.#timer);
	}
}
