import type { SubmitFunction } from '$app/forms';
import { toasts } from './toast.svelte';
import { enqueueAction, isOfflineError } from './offline/outbox';

export interface SubmitOptions {
	success?: string;
	reset?: boolean;
	/**
	 * Queue the submission in the offline outbox when there is no connection (before sending, or
	 * when the post fails on the network) instead of showing the error page; it is replayed when
	 * the connection returns. Only for actions safe to replay (idempotent, or with a client id).
	 */
	offline?: { label: string; assignmentId?: string };
}

/**
 * The pending state of one form: `use:enhance={pending.submit()}` shows a spinner on its button
 * while the action runs, then applies the result as SvelteKit would and toasts a success.
 */
export class Pending {
	active = $state(false);

	submit(options: SubmitOptions = {}): SubmitFunction {
		return ({ action, formData, cancel }) => {
			const queue = async () => {
				const fields: [string, string][] = [];
				for (const [k, v] of formData) if (typeof v === 'string') fields.push([k, v]);
				await enqueueAction({
					url: action.pathname + action.search,
					fields,
					label: options.offline!.label,
					assignmentId: options.offline!.assignmentId
				});
				toasts.show(
					`Saved on this device: ${options.offline!.label}. It is sent when you are back online.`
				);
			};
			if (options.offline && !navigator.onLine) {
				cancel();
				void queue();
				return;
			}
			this.active = true;
			return async ({ result, update }) => {
				if (options.offline && result.type === 'error' && isOfflineError(result.error)) {
					// The connection went while posting: nothing reached the page's error screen.
					this.active = false;
					await queue();
					return;
				}
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
