// Fan-out: which joined channels listen on which topic, and delivering broadcasts and presence
// diffs to them. A topic lives in one of two namespaces, public or private (the join's `private`
// flag, or realtime.messages.private for database broadcasts), as on the real server.
import {
	broadcastPayload,
	encodeMessage,
	encodeUserBroadcast,
	fitsUserBroadcastFrame,
	type UserBroadcast,
	type Vsn
} from './socket.ts';
import { PresenceTopic, type PresenceDiff } from './presence.ts';
import type { Extension } from './authorization.ts';

export interface Subscriber {
	/** Full Phoenix topic, `realtime:<name>`. */
	readonly topic: string;
	readonly vsn: Vsn;
	readonly selfBroadcast: boolean;
	readonly joinedAt: number;
	canReceive(extension: Extension): boolean;
	wantsPresence(): boolean;
	sendFrame(frame: string | Buffer): void;
	push(event: string, payload: unknown): void;
}

export const namespaceOf = (name: string, isPrivate: boolean): string =>
	`${isPrivate ? 'private' : 'public'}:${name}`;

interface Topic {
	channels: Set<Subscriber>;
	presence: PresenceTopic<Subscriber>;
}

interface Retained {
	namespace: string;
	broadcast: UserBroadcast;
	deliveredAt: number;
}

export class Hub {
	private readonly topics = new Map<string, Topic>();
	/**
	 * Database broadcasts committed while the service was down are delivered at start-up, before
	 * clients have had time to reconnect. They are kept for `replayWindowMs` and handed to channels
	 * that join that topic afterwards, so a restart loses none of them.
	 */
	private retained: Retained[] = [];
	private readonly startedAt = Date.now();
	private readonly replayWindowMs: number;

	constructor(replayWindowMs: number) {
		this.replayWindowMs = replayWindowMs;
	}

	private topic(ns: string): Topic {
		let t = this.topics.get(ns);
		if (!t) this.topics.set(ns, (t = { channels: new Set(), presence: new PresenceTopic() }));
		return t;
	}

	subscribe(ns: string, s: Subscriber): void {
		this.topic(ns).channels.add(s);
		if (this.retained.length === 0) return;
		if (Date.now() - this.startedAt > this.replayWindowMs) {
			this.retained = [];
			return;
		}
		for (const r of this.retained)
			if (r.namespace === ns && r.deliveredAt < s.joinedAt && s.canReceive('broadcast'))
				this.sendBroadcast(s, r.broadcast);
	}

	/** Removes a channel and returns the presence diff its leaving caused, already delivered. */
	unsubscribe(ns: string, s: Subscriber): void {
		const t = this.topics.get(ns);
		if (!t) return;
		t.channels.delete(s);
		if (t.presence.has(s)) this.presenceDiff(ns, t.presence.untrack(s));
		if (t.channels.size === 0 && t.presence.size === 0) this.topics.delete(ns);
	}

	subscribers(ns: string): number {
		return this.topics.get(ns)?.channels.size ?? 0;
	}

	broadcast(ns: string, b: UserBroadcast, sender?: Subscriber, opts: { backlog?: boolean } = {}) {
		if (opts.backlog && Date.now() - this.startedAt < this.replayWindowMs)
			this.retained.push({ namespace: ns, broadcast: b, deliveredAt: Date.now() });
		const t = this.topics.get(ns);
		if (!t) return;
		let binary: Buffer | undefined;
		let v1: string | undefined;
		let v2: string | undefined;
		for (const s of t.channels) {
			if (s === sender && !s.selfBroadcast) continue;
			if (!s.canReceive('broadcast')) continue;
			if (s.vsn === '2.0.0' && fitsUserBroadcastFrame(s.topic, b)) {
				s.sendFrame((binary ??= encodeUserBroadcast(s.topic, b)));
			} else if (s.vsn === '2.0.0') {
				s.sendFrame((v2 ??= this.json(s, b)));
			} else {
				s.sendFrame((v1 ??= this.json(s, b)));
			}
		}
	}

	private json(s: Subscriber, b: UserBroadcast): string {
		return encodeMessage(
			{
				join_ref: null,
				ref: null,
				topic: s.topic,
				event: 'broadcast',
				payload: broadcastPayload(b)
			},
			s.vsn
		);
	}

	private sendBroadcast(s: Subscriber, b: UserBroadcast) {
		if (s.vsn === '2.0.0' && fitsUserBroadcastFrame(s.topic, b))
			s.sendFrame(encodeUserBroadcast(s.topic, b));
		else s.sendFrame(this.json(s, b));
	}

	presenceState(ns: string) {
		return this.topic(ns).presence.state();
	}

	track(ns: string, s: Subscriber, key: string, fields: Record<string, unknown>): void {
		this.presenceDiff(ns, this.topic(ns).presence.track(s, key, fields));
	}

	untrack(ns: string, s: Subscriber): void {
		const t = this.topics.get(ns);
		if (t?.presence.has(s)) this.presenceDiff(ns, t.presence.untrack(s));
	}

	private presenceDiff(ns: string, diff: PresenceDiff) {
		if (!Object.keys(diff.joins).length && !Object.keys(diff.leaves).length) return;
		const t = this.topics.get(ns);
		if (!t) return;
		// Sent like a Phoenix fastlane broadcast (no join_ref), so one encoding serves every
		// receiver of a protocol version.
		const encoded = new Map<Vsn, string>();
		for (const s of t.channels) {
			if (!s.wantsPresence() || !s.canReceive('presence')) continue;
			let frame = encoded.get(s.vsn);
			if (!frame) {
				frame = encodeMessage(
					{ join_ref: null, ref: null, topic: s.topic, event: 'presence_diff', payload: diff },
					s.vsn
				);
				encoded.set(s.vsn, frame);
			}
			s.sendFrame(frame);
		}
	}
}
