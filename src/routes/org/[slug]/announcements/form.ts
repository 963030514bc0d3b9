import type { FieldErrors } from '#lib/db/errors.ts';
import { isUuid } from '#lib/ids.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface AnnouncementForm {
	body: string;
	programId: string | null;
	/** The end of the chosen day in the organization's zone, as Postgres reads it. */
	pinnedUntil: string | null;
	/** Uploads to attach (bucket attachments, <org>/<me>/<file>); the database checks each. */
	objectPaths: string[];
	/** On edit: ids of the announcement's files to remove. */
	removeAttachmentIds: string[];
	values: Record<string, string>;
	errors: FieldErrors;
}

/**
 * Reads the compose/edit form. The database decides again (body length, pin in the future, the
 * program's organization); these checks only give friendlier errors first.
 */
export function parseAnnouncementForm(form: FormData, timeZone: string): AnnouncementForm {
	const body = String(form.get('body') ?? '').trim();
	const program = String(form.get('program_id') ?? '');
	const pin = String(form.get('pinned_until') ?? '').trim();
	const values = { body, program_id: program, pinned_until: pin };
	const errors: FieldErrors = {};
	if (!body) errors.body = ['Write something to announce.'];
	else if (body.length > 5000) errors.body = ['Keep it under 5,000 characters.'];
	if (program && !isUuid(program)) errors.program_id = ['Choose who it is for from the list.'];
	if (pin && !DATE.test(pin)) errors.pinned_until = ['Pick a date.'];
	const objectPaths = form.getAll('object_path').map(String).filter(Boolean);
	const removeAttachmentIds = form.getAll('remove_attachment').map(String).filter(isUuid);
	if (objectPaths.length > 10) errors.form = ['Attach at most 10 files.'];
	return {
		body,
		programId: program || null,
		pinnedUntil: pin ? `${pin} 23:59:59 ${timeZone}` : null,
		objectPaths,
		removeAttachmentIds,
		values,
		errors
	};
}
