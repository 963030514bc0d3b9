// Presence for one topic: who is tracked under which key, by which channel, with which meta.
// Diffs are shaped as Phoenix.Presence sends them: `{joins: {key: {metas}}, leaves: {...}}`, each
// meta carrying the `phx_ref` that realtime-js turns into `presence_ref`.
//
// Changes are not announced one by one: they collect in a pending diff that the hub flushes
// every few milliseconds as one `presence_diff` for the whole topic (the real server's tracker
// batches the same way). A meta that joins and leaves within one window is never announced. Two
// views are therefore kept apart: the current state (what `track`/`untrack` act on) and the
// announced state (what members have been told so far), which is what a newcomer receives as
// `presence_state`; the pending diff then brings it up to date along with everyone else, so
// nobody sees a join twice.
import { randomBytes } from 'node:crypto';

export interface Meta {
	phx_ref: string;
	[field: string]: unknown;
}

export type PresenceMap = Record<string, { metas: Meta[] }>;

export interface PresenceDiff {
	joins: PresenceMap;
	leaves: PresenceMap;
}

export function newRef(): string {
	// Phoenix refs are opaque base64 strings starting with F; realtime-js only compares them.
	return `F${randomBytes(9).toString('base64url')}`;
}

interface Pending {
	key: string;
	meta: Meta;
}

export class PresenceTopic<Owner> {
	/** key -> owner -> meta; an owner (one joined channel) has at most one meta. */
	private readonly byKey = new Map<string, Map<Owner, Meta>>();
	private readonly keyOf = new Map<Owner, string>();
	/** Not yet announced, by phx_ref. */
	private pendingJoins = new Map<string, Pending>();
	private pendingLeaves = new Map<string, Pending>();

	get size(): number {
		return this.keyOf.size;
	}

	/** Whether changes wait to be announced. */
	get dirty(): boolean {
		return this.pendingJoins.size > 0 || this.pendingLeaves.size > 0;
	}

	/** The current state, pending changes included. */
	state(): PresenceMap {
		const out: PresenceMap = {};
		for (const [key, owners] of this.byKey) out[key] = { metas: [...owners.values()] };
		return out;
	}

	/** The state members have been told about: the current one without the pending diff. */
	announcedState(): PresenceMap {
		if (!this.dirty) return this.state();
		const out: PresenceMap = {};
		for (const [key, owners] of this.byKey) {
			const metas: Meta[] = [];
			for (const meta of owners.values())
				if (!this.pendingJoins.has(meta.phx_ref)) metas.push(meta);
			if (metas.length) out[key] = { metas };
		}
		for (const { key, meta } of this.pendingLeaves.values())
			(out[key] ??= { metas: [] }).metas.push(meta);
		return out;
	}

	track(owner: Owner, key: string, fields: Record<string, unknown>): void {
		const prev = this.remove(owner);
		const meta: Meta = { ...fields, phx_ref: newRef() };
		if (prev && prev.key === key) meta.phx_ref_prev = prev.meta.phx_ref;
		let owners = this.byKey.get(key);
		if (!owners) this.byKey.set(key, (owners = new Map()));
		owners.set(owner, meta);
		this.keyOf.set(owner, key);
		this.pendingJoins.set(meta.phx_ref, { key, meta });
	}

	untrack(owner: Owner): void {
		this.remove(owner);
	}

	private remove(owner: Owner): Pending | undefined {
		const key = this.keyOf.get(owner);
		if (key === undefined) return undefined;
		const owners = this.byKey.get(key);
		const meta = owners?.get(owner);
		owners?.delete(owner);
		if (owners && owners.size === 0) this.byKey.delete(key);
		this.keyOf.delete(owner);
		if (!meta) return undefined;
		// A join nobody has heard of yet simply never happened for them.
		if (!this.pendingJoins.delete(meta.phx_ref))
			this.pendingLeaves.set(meta.phx_ref, { key, meta });
		return { key, meta };
	}

	/** Takes the pending changes as one diff (null if there are none); they count as announced. */
	takeDiff(): PresenceDiff | null {
		if (!this.dirty) return null;
		const diff: PresenceDiff = { joins: {}, leaves: {} };
		for (const { key, meta } of this.pendingJoins.values())
			(diff.joins[key] ??= { metas: [] }).metas.push(meta);
		for (const { key, meta } of this.pendingLeaves.values())
			(diff.leaves[key] ??= { metas: [] }).metas.push(meta);
		this.pendingJoins = new Map();
		this.pendingLeaves = new Map();
		return diff;
	}

	has(owner: Owner): boolean {
		return this.keyOf.has(owner);
	}
}
