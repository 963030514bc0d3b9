// Presence for one topic: who is tracked under which key, by which channel, with which meta.
// Diffs are shaped as Phoenix.Presence sends them: `{joins: {key: {metas}}, leaves: {...}}`, each
// meta carrying the `phx_ref` that realtime-js turns into `presence_ref`.
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

export class PresenceTopic<Owner> {
	/** key -> owner -> meta; an owner (one joined channel) has at most one meta. */
	private readonly byKey = new Map<string, Map<Owner, Meta>>();
	private readonly keyOf = new Map<Owner, string>();

	get size(): number {
		return this.keyOf.size;
	}

	state(): PresenceMap {
		const out: PresenceMap = {};
		for (const [key, owners] of this.byKey) out[key] = { metas: [...owners.values()] };
		return out;
	}

	track(owner: Owner, key: string, fields: Record<string, unknown>): PresenceDiff {
		const diff = this.untrack(owner);
		const meta: Meta = { ...fields, phx_ref: newRef() };
		const prev = diff.leaves[key]?.metas[0];
		if (prev) meta.phx_ref_prev = prev.phx_ref;
		let owners = this.byKey.get(key);
		if (!owners) this.byKey.set(key, (owners = new Map()));
		owners.set(owner, meta);
		this.keyOf.set(owner, key);
		diff.joins[key] = { metas: [meta] };
		return diff;
	}

	untrack(owner: Owner): PresenceDiff {
		const diff: PresenceDiff = { joins: {}, leaves: {} };
		const key = this.keyOf.get(owner);
		if (key === undefined) return diff;
		const owners = this.byKey.get(key);
		const meta = owners?.get(owner);
		owners?.delete(owner);
		if (owners && owners.size === 0) this.byKey.delete(key);
		this.keyOf.delete(owner);
		if (meta) diff.leaves[key] = { metas: [meta] };
		return diff;
	}

	has(owner: Owner): boolean {
		return this.keyOf.has(owner);
	}
}
