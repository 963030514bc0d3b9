import { SvelteSet } from 'svelte/reactivity';

export const cellKey = (userId: string, date: string) => `${userId}|${date}`;

export function splitKey(key: string): { userId: string; date: string } {
	const [userId, date] = key.split('|');
	return { userId, date };
}

/**
 * The bulk filter a selection of cells becomes: the selected athletes over the selected days'
 * span. The database filters by athletes and a date range, so a scattered selection covers the
 * rectangle around it; the preview shows exactly what that touches before anything runs.
 */
export function selectionFilter(keys: Iterable<string>) {
	const athletes: string[] = [];
	let from: string | null = null;
	let to: string | null = null;
	let count = 0;
	for (const key of keys) {
		const { userId, date } = splitKey(key);
		if (!athletes.includes(userId)) athletes.push(userId);
		if (!from || date < from) from = date;
		if (!to || date > to) to = date;
		count++;
	}
	if (count === 0 || !from || !to) return null;
	const rectangle = athletes.length * (dayDiff(from, to) + 1);
	return { athleteIds: athletes, from, to, exact: rectangle === count };
}

function dayDiff(a: string, b: string): number {
	return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
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
