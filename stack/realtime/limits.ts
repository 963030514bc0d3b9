// Supabase's per-project realtime limits (docs "Realtime Limits", Free plan defaults) and the
// error reasons the real server replies with when one is reached.

export interface Limits {
	/** Largest broadcast/presence payload, in bytes (Supabase: 256 KB on Free). */
	maxPayloadBytes: number;
	/** Channels one socket may have joined at once. */
	maxChannelsPerClient: number;
	/** Channel joins per second across the project. */
	maxJoinsPerSecond: number;
	/** Largest frame the socket reads at all; anything bigger closes the socket (1009). */
	maxFrameBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
	maxPayloadBytes: 256 * 1024,
	maxChannelsPerClient: 100,
	maxJoinsPerSecond: 2500,
	maxFrameBytes: 1024 * 1024
};

export const REASONS = {
	tooManyChannels: 'ChannelRateLimitReached: Too many channels',
	tooManyJoins: 'ClientJoinRateLimitReached: Too many joins per second',
	payloadTooLarge: 'payload_size_exceeded'
} as const;

/** A sliding one-second window of join timestamps. */
export class JoinRateLimiter {
	private readonly perSecond: number;
	private stamps: number[] = [];
	constructor(perSecond: number) {
		this.perSecond = perSecond;
	}
	/** Records a join and says whether it stays within the rate. */
	allow(now = Date.now()): boolean {
		const since = now - 1000;
		let drop = 0;
		while (drop < this.stamps.length && this.stamps[drop] <= since) drop++;
		if (drop) this.stamps = this.stamps.slice(drop);
		if (this.stamps.length >= this.perSecond) return false;
		this.stamps.push(now);
		return true;
	}
}

export function byteSize(value: unknown): number {
	if (Buffer.isBuffer(value)) return value.length;
	return Buffer.byteLength(JSON.stringify(value ?? null) ?? '');
}
