import type { RealtimeChannel } from '@supabase/supabase-js';
import { SvelteSet } from 'svelte/reactivity';
import { browserClient } from '../supabase-browser';

/** Who is online in an organization right now: presence on the private `org:<id>` topic. */
class OrgPresence {
	online = new SvelteSet<string>();
	#organizationId: string | null = null;
	#channel: RealtimeChannel | null = null;
	#users = 0;

	join(organizationId: string, userId: string): () => void {
		if (this.#organizationId !== organizationId) this.#leave();
		this.#organizationId = organizationId;
		this.#users += 1;
		if (!this.#channel) void this.#open(organizationId, userId);
		return () => {
			this.#users -= 1;
			if (this.#users <= 0) this.#leave();
		};
	}

	isOnline(userId: string): boolean {
		return this.online.has(userId);
	}

	async #open(organizationId: string, userId: string): Promise<void> {
		const client = browserClient();
		await client.realtime.setAuth();
		if (this.#organizationId !== organizationId || this.#channel || this.#users <= 0) return;
		const channel = client.channel(`org:${organizationId}`, {
			config: { private: true, presence: { key: userId } }
		});
		this.#channel = channel;
		channel.on('presence', { event: 'sync' }, () => {
			const state = channel.presenceState<{ user_id?: string }>();
			const ids = Object.entries(state).flatMap(([key, metas]) =>
				metas.map((meta) => meta.user_id ?? key)
			);
			for (const id of this.online) if (!ids.includes(id)) this.online.delete(id);
			for (const id of ids) this.online.add(id);
		});
		channel.subscribe((status) => {
			if (status === 'SUBSCRIBED') void channel.track({ user_id: userId });
		});
	}

	#leave(): void {
		if (this.#channel) void browserClient().removeChannel(this.#channel);
		this.#channel = null;
		this.#organizationId = null;
		this.#users = 0;
		this.online.clear();
	}
}

export const orgPresence = new OrgPresence();
