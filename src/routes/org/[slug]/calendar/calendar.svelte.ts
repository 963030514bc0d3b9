import { SvelteSet } from 'svelte/reactivity';

export const cellKey = (userId: string, date: string) => `${userId}|${date}`;

export function splitKey(key: string): { userId: string; date: string } {
	const [userId, date] = key.split('|');
	return { userId, date };
}

/**
 * The bulk filter a selection of cells becomes: exactly the selected days of the selected
 * athletes (the database's `cells` key), with the athletes and the date span around them so the
 * database can narrow by index first.
 */
export function selectionFilter(keys: Iterable<string>) {
	const athletes: string[] = [];
	const cells: { athlete_id: string; date: string }[] = [];
	let from: string | null = null;
	let to: string | null = null;
	for (const key of keys) {
		const { userId, date } = splitKey(key);
		if (!athletes.includes(userId)) athletes.push(userId);
		if (!from || date < from) from = date;
		if (!to || date > to) to = date;
		cells.push({ athlete_id: userId, date });
	}
	if (cells.length === 0 || !from || !to) return null;
	return { athleteIds: athletes, from, to, cells };
}

/** What the coach is doing on the grid: the selection, the focused cell, a carried workout. */
export class CalendarState {
	selected = new SvelteSet<string>();
	selectMode = $state(false);
	focusRow = $state(0);
	focusCol = $state(0);
	carrying = $state<{ id: string; title: string } | null>(null);
	dropTarget = $state<string | null>(null);

	toggle(key: string): void {
		if (this.selected.has(key)) this.selected.delete(key);
		else this.selected.add(key);
	}

	clear(): void {
		this.selected.clear();
	}
}

/** The drag payload type of a library workout dropped on a day. */
export const DRAG_TYPE = 'application/x-coachline-workout';

export type { CalendarCell } from '#lib/db/assignments.ts';

/** Calendar cells of the week, by `cellKey(athlete, day)`. */
export type CellsByKey = Record<string, import('#lib/db/assignments.ts').CalendarCell[]>;
