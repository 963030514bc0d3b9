import type { SubmitFunction } from '$app/forms';
import { toasts } from './toast.svelte';

/**
 * The pending state of one form: `use:enhance={pending.submit()}` shows a spinner on its button
 * while the action runs, then applies the result as SvelteKit would and toasts a success.
 */
export class Pending {
	active = $state(false);

	submit(options: { success?: string; reset?: boolean } = {}): SubmitFunction {
		return () => {
			this.active = true;
			return async ({ result, update }) => {
				// Apply the result here even when the page has a query (?q=…) the action URL lacks.
				await update({ reset: options.reset ?? true, navigate: false });
				this.active = false;
				if ((result.type === 'success' || result.type === 'redirect') && options.success) {
					toasts.show(options.success);
				}
			};
		};
	}
}
