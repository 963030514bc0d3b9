// The workout builder's state: a title, ordered sections, ordered movements with their
// prescription as the person types it (text), plus a polite announcement for screen readers
// after each structural change (added, removed, moved).
import { formatDuration } from '#lib/validation.ts';

export type LoadUnit = 'kg' | 'lb' | 'percent_1rm' | 'bodyweight';

export interface DraftMovement {
	key: number;
	/** Set once saved: the save updates this movement in place, so its comments stay. */
	id: string | null;
	name: string;
	sets: string;
	reps: string;
	rep_scheme: string;
	load: string;
	load_unit: LoadUnit | '';
	time: string;
	distance: string;
	notes: string;
}

export interface DraftSection {
	key: number;
	/** Set once saved, as for movements. */
	id: string | null;
	title: string;
	notes: string;
	movements: DraftMovement[];
}

export interface WorkoutLike {
	title: string;
	description: string | null;
	sections: {
		id?: string | null;
		title: string;
		notes: string | null;
		movements: {
			id?: string | null;
			name: string;
			sets: number | null;
			reps: number | null;
			rep_scheme: string | null;
			load: number | null;
			load_unit: LoadUnit | null;
			time_seconds: number | null;
			distance_meters: number | null;
			notes: string | null;
		}[];
	}[];
}

let nextKey = 1;
const str = (v: number | string | null | undefined) =>
	v === null || v === undefined ? '' : String(v);

function blankMovement(): DraftMovement {
	return {
		key: nextKey++,
		id: null,
		name: '',
		sets: '',
		reps: '',
		rep_scheme: '',
		load: '',
		load_unit: '',
		time: '',
		distance: '',
		notes: ''
	};
}

function move<T>(list: T[], from: number, to: number): boolean {
	if (to < 0 || to >= list.length || from === to) return false;
	const [item] = list.splice(from, 1);
	list.splice(to, 0, item);
	return true;
}

export class WorkoutDraft {
	title = $state('');
	description = $state('');
	sections = $state<DraftSection[]>([]);
	announcement = $state('');
	/** Set by every edit, cleared on save: warns before leaving with unsaved changes. */
	dirty = $state(false);

	constructor(from?: WorkoutLike) {
		if (!from) {
			this.sections = [
				{ key: nextKey++, id: null, title: 'Main', notes: '', movements: [blankMovement()] }
			];
			return;
		}
		this.title = from.title;
		this.description = from.description ?? '';
		this.sections = from.sections.map((s) => ({
			key: nextKey++,
			id: s.id ?? null,
			title: s.title,
			notes: s.notes ?? '',
			movements: s.movements.map((m) => ({
				key: nextKey++,
				id: m.id ?? null,
				name: m.name,
				sets: str(m.sets),
				reps: str(m.reps),
				rep_scheme: str(m.rep_scheme),
				load: str(m.load),
				load_unit: m.load_unit ?? '',
				time: formatDuration(m.time_seconds),
				distance: str(m.distance_meters),
				notes: str(m.notes)
			}))
		}));
	}

	#say(text: string) {
		this.dirty = true;
		// Re-announce identical text by clearing first.
		this.announcement = '';
		queueMicrotask(() => (this.announcement = text));
	}

	sectionName(si: number): string {
		return this.sections[si]?.title.trim() || `Section ${si + 1}`;
	}

	movementName(si: number, mi: number): string {
		return this.sections[si]?.movements[mi]?.name.trim() || `Movement ${mi + 1}`;
	}

	addSection(): number {
		this.sections.push({
			key: nextKey++,
			id: null,
			title: '',
			notes: '',
			movements: [blankMovement()]
		});
		this.#say(`Section ${this.sections.length} added.`);
		return this.sections.length - 1;
	}

	removeSection(si: number): void {
		const name = this.sectionName(si);
		this.sections.splice(si, 1);
		this.#say(`${name} removed.`);
	}

	moveSection(si: number, delta: -1 | 1): boolean {
		const name = this.sectionName(si);
		const moved = move(this.sections, si, si + delta);
		if (moved) this.#say(`${name} moved to position ${si + delta + 1} of ${this.sections.length}.`);
		return moved;
	}

	addMovement(si: number): number {
		const list = this.sections[si].movements;
		list.push(blankMovement());
		this.#say(`Movement ${list.length} added to ${this.sectionName(si)}.`);
		return list.length - 1;
	}

	removeMovement(si: number, mi: number): void {
		const name = this.movementName(si, mi);
		this.sections[si].movements.splice(mi, 1);
		this.#say(`${name} removed.`);
	}

	moveMovement(si: number, mi: number, delta: -1 | 1): boolean {
		const list = this.sections[si].movements;
		const name = this.movementName(si, mi);
		const moved = move(list, mi, mi + delta);
		if (moved) this.#say(`${name} moved to position ${mi + delta + 1} of ${list.length}.`);
		return moved;
	}

	/** What the save action receives; numbers stay text so the server reports bad input. */
	toJSON() {
		return {
			title: this.title,
			description: this.description,
			sections: this.sections.map((s) => ({
				id: s.id,
				title: s.title,
				notes: s.notes,
				movements: s.movements.map((m) => ({
					id: m.id,
					name: m.name,
					sets: m.sets,
					reps: m.reps,
					rep_scheme: m.rep_scheme,
					load: m.load,
					load_unit: m.load_unit,
					time_seconds: m.time,
					distance_meters: m.distance,
					notes: m.notes
				}))
			}))
		};
	}
}
