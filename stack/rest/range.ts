// Pagination: the Range request header and the Content-Range response header
// (as PostgREST's RangeQuery.hs reads and writes them).
export interface RowRange {
	offset: number;
	/** null = unbounded */
	limit: number | null;
}

/** `Range: 0-19` (items). Returns null for an absent or unparsable header, as PostgREST ignores it. */
export function parseRangeHeader(header: string | undefined): RowRange | null {
	if (!header) return null;
	const m = /^\s*(?:items=)?(\d{1,15})-(\d{0,15})\s*$/.exec(header);
	if (!m) return null;
	const from = Number(m[1]);
	if (m[2] === '') return { offset: from, limit: null };
	const to = Number(m[2]);
	if (to < from) return { offset: from, limit: 0 };
	return { offset: from, limit: to - from + 1 };
}

export function contentRange(offset: number, pageTotal: number, total: number | null): string {
	const t = total === null ? '*' : String(total);
	if (pageTotal <= 0) return `*/${t}`;
	return `${offset}-${offset + pageTotal - 1}/${t}`;
}

/** 200, 206 (a known total larger than the page) or 416 (offset beyond the total). */
export function rangeStatus(offset: number, pageTotal: number, total: number | null): number {
	if (total === null) return 200;
	if (offset > total && !(offset === 0 && total === 0)) return 416;
	if (pageTotal < total) return 206;
	return 200;
}
