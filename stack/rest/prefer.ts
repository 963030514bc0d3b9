// The Prefer request header (supabase-platform.md §3 "Prefer headers").
export interface Preferences {
	return?: 'minimal' | 'headers-only' | 'representation';
	count?: 'exact' | 'planned' | 'estimated';
	resolution?: 'merge-duplicates' | 'ignore-duplicates';
	missing?: 'default' | 'null';
	handling?: 'lenient' | 'strict';
	tx?: 'commit' | 'rollback';
	/** The preferences we honoured, for Preference-Applied. */
	applied: string[];
}

const allowed: Record<string, readonly string[]> = {
	return: ['minimal', 'headers-only', 'representation'],
	count: ['exact', 'planned', 'estimated'],
	resolution: ['merge-duplicates', 'ignore-duplicates'],
	missing: ['default', 'null'],
	handling: ['lenient', 'strict'],
	tx: ['commit', 'rollback']
};

export function parsePrefer(header: string | string[] | undefined): Preferences {
	const out: Preferences = { applied: [] };
	const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
	for (const part of raw.split(',')) {
		const [k, v] = part.split('=', 2).map((s) => s.trim());
		if (!k || v === undefined) continue;
		const values = allowed[k];
		if (!values?.includes(v)) continue;
		if ((out as unknown as Record<string, unknown>)[k] !== undefined) continue;
		(out as unknown as Record<string, unknown>)[k] = v;
		out.applied.push(`${k}=${v}`);
	}
	return out;
}
