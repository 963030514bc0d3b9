// Editing the builder's lists (sections, and movements within them): add, remove, move, each
// followed by moving focus where a keyboard user expects it (the new field, the neighbour, or
// the same arrow button after a move). The draft owns the data; this owns the focus.
import { tick } from 'svelte';
import type { WorkoutDraft } from './workout-draft.svelte';

export type BuilderActions = ReturnType<typeof builderActions>;

/** `current` and `root` are read at each call: the page may hand the builder another draft. */
export function builderActions(current: () => WorkoutDraft, root: () => HTMLElement | undefined) {
	const find = <T extends HTMLElement = HTMLElement>(selector: string) =>
		root()?.querySelector<T>(selector) ?? null;

	async function focus(selector: string) {
		await tick();
		find(selector)?.focus();
	}

	/** After a move: the same arrow if it still applies, else the opposite one. */
	async function focusArrow(kind: 'section' | 'movement', key: number, delta: -1 | 1) {
		await tick();
		const dir = delta < 0 ? 'up' : 'down';
		const other = delta < 0 ? 'down' : 'up';
		const btn = find<HTMLButtonElement>(`[data-${kind}-${dir}="${key}"]`);
		if (btn && !btn.disabled) btn.focus();
		else find(`[data-${kind}-${other}="${key}"]`)?.focus();
	}

	async function addSection() {
		const draft = current();
		const si = draft.addSection();
		await focus(`[data-section-title="${draft.sections[si].key}"]`);
	}

	async function removeSection(si: number) {
		const draft = current();
		draft.removeSection(si);
		const neighbour = draft.sections[Math.min(si, draft.sections.length - 1)];
		await focus(neighbour ? `[data-section-title="${neighbour.key}"]` : '[data-add-section]');
	}

	async function moveSection(si: number, delta: -1 | 1) {
		const draft = current();
		const key = draft.sections[si].key;
		if (!draft.moveSection(si, delta)) return;
		await focusArrow('section', key, delta);
	}

	async function addMovement(si: number) {
		const draft = current();
		const mi = draft.addMovement(si);
		await focus(`[data-movement-name="${draft.sections[si].movements[mi].key}"]`);
	}

	async function removeMovement(si: number, mi: number) {
		const draft = current();
		const section = draft.sections[si];
		draft.removeMovement(si, mi);
		const neighbour = section.movements[Math.min(mi, section.movements.length - 1)];
		await focus(
			neighbour ? `[data-movement-name="${neighbour.key}"]` : `[data-add-movement="${section.key}"]`
		);
	}

	/** `refocus`: keep focus in this field instead (the keyboard shortcut moves from inside it). */
	async function moveMovement(si: number, mi: number, delta: -1 | 1, refocus?: string) {
		const draft = current();
		const key = draft.sections[si].movements[mi].key;
		if (!draft.moveMovement(si, mi, delta)) return;
		if (refocus) await focus(refocus);
		else await focusArrow('movement', key, delta);
	}

	/**
	 * Alt+↑ / Alt+↓ inside a movement moves it, keeping focus in the field being edited. One
	 * listener per list; the movement is looked up when the key is pressed, after any reorder.
	 */
	function movementKeys(list: HTMLElement) {
		const onkeydown = (event: KeyboardEvent) => {
			if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
			const draft = current();
			const target = event.target as HTMLElement;
			const key = Number(target.closest<HTMLElement>('[data-movement]')?.dataset.movement);
			const si = draft.sections.findIndex((s) => s.movements.some((m) => m.key === key));
			if (si < 0) return;
			const mi = draft.sections[si].movements.findIndex((m) => m.key === key);
			event.preventDefault();
			const selector = target.id ? `#${CSS.escape(target.id)}` : undefined;
			void moveMovement(si, mi, event.key === 'ArrowUp' ? -1 : 1, selector);
		};
		list.addEventListener('keydown', onkeydown);
		return () => list.removeEventListener('keydown', onkeydown);
	}

	return {
		addSection,
		removeSection,
		moveSection,
		addMovement,
		removeMovement,
		moveMovement,
		movementKeys
	};
}
