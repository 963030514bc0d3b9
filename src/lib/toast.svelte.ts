/** Short-lived confirmations ("Invitation revoked"), announced politely to screen readers. */
export interface ToastMessage {
	id: number;
	text: string;
	kind: 'success' | 'error';
	/** One follow-up the person may take ("Undo"). */
	action?: { label: string; run: () => void };
}

class Toasts {
	items = $state<ToastMessage[]>([]);
	#next = 1;

	show(
		text: string,
		kind: ToastMessage['kind'] = 'success',
		ms = 4000,
		action?: ToastMessage['action']
	): void {
		const id = this.#next++;
		this.items.push({ id, text, kind, action });
		setTimeout(() => this.dismiss(id), ms);
	}

	dismiss(id: number): void {
		this.items = this.items.filter((t) => t.id !== id);
	}
}

export const toasts = new Toasts();
