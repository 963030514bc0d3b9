/** Short-lived confirmations ("Invitation revoked"), announced politely to screen readers. */
export interface ToastMessage {
	id: number;
	text: string;
	kind: 'success' | 'error';
}

class Toasts {
	items = $state<ToastMessage[]>([]);
	#next = 1;

	show(text: string, kind: ToastMessage['kind'] = 'success', ms = 4000): void {
		const id = this.#next++;
		this.items.push({ id, text, kind });
		setTimeout(() => this.dismiss(id), ms);
	}

	dismiss(id: number): void {
		this.items = this.items.filter((t) => t.id !== id);
	}
}

export const toasts = new Toasts();
