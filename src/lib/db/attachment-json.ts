// A message's, comment's or announcement's files as the database answers them (JSON): the type
// and its defensive reader, apart from the upload code in ./attachments so that pages which only
// read messages (every page's live events, Today) do not ship the uploader.

export interface Attachment {
	id: string;
	type: 'image' | 'video';
	r2_key: string;
	size: number;
	mime_type: string;
	thumbnail_r2_key: string | null;
	/** Natural size in pixels (orientation applied), null while unknown: reserves the picture's box. */
	width?: number | null;
	height?: number | null;
}

/** Reads the attachments JSON of workout_comments / message payloads defensively. */
export function parseAttachments(json: unknown): Attachment[] {
	if (!Array.isArray(json)) return [];
	return json.filter(
		(a): a is Attachment =>
			!!a && typeof a === 'object' && typeof (a as Attachment).r2_key === 'string'
	);
}
