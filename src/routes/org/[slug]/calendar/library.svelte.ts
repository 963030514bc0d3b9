import { pickWorkouts, type WorkoutPick } from '#lib/db/workouts.ts';
import { browserClient } from '#lib/supabase-browser.ts';

/** Workouts a picker asks for at a time: a screenful, the rest behind "Show more" or a search. */
export const LIBRARY_PAGE_SIZE = 50;

/**
 * The organization's library as a picker reads it in the browser: a page of titles at a time,
 * searched in SQL. The week's server render no longer loads it (it was the largest part of the
 * calendar's HTML, and capped at 200 workouts), so the panel and the day dialog each read the
 * page they show when they open. Only ever used in the browser (load() is called from effects).
 */
export class WorkoutLibrary {
	items = $state<WorkoutPick[]>([]);
	phase = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
	hasMore = $state(false);
	/** The search the items answer (trimmed). */
	search = $state('');
	#organizationId: string;
	#request = 0;
	// Titles seen so far, for toasts naming a workout placed from an earlier page or search (a
	// lookup, not state: nothing redraws when it fills).
	#titles: Record<string, string> = {};

	constructor(organizationId: string) {
		this.#organizationId = organizationId;
	}

	/** The first page for `search`, or (more) the next page of the current search. */
	async load(search = this.search, more = false): Promise<void> {
		const term = search.trim();
		const request = ++this.#request;
		const offset = more ? this.items.length : 0;
		this.phase = 'loading';
		try {
			const page = await pickWorkouts(browserClient(), this.#organizationId, {
				search: term,
				offset,
				limit: LIBRARY_PAGE_SIZE
			});
			// A slower answer to an older search never replaces a newer one.
			if (request !== this.#request) return;
			for (const w of page.items) this.#titles[w.id] = w.title;
			this.items = more ? [...this.items, ...page.items] : page.items;
			this.hasMore = page.hasMore;
			this.search = term;
			this.phase = 'ready';
		} catch {
			if (request === this.#request) this.phase = 'error';
		}
	}

	titleOf(id: string): string | null {
		return this.#titles[id] ?? null;
	}
}
