// The Prefer request header, as PostgREST reads it (unknown or repeated preferences are ignored).
export interface Preferences {
	return?: 'minimal' | 'headers-only' | 'representation';
	count?: 'exact' | 'planned' | 'estimated';
	resolution?: 'merge-duplicates' | 'ignore-duplicates';
	missing?: 'default' | 'null';
	handling?: 'lenient' | 'strict';
	tx?: 'commit' | 'rollback';
	/** `max-affected=n`: honoured (and applied) only together with handling=strict. */
	maxAffected?: number;
	/** The preferences we honoured, for Preference-Applied. */
	applied: string[];
}

type Enumerated = Exclude<keyof Preferences, 'applied' | 'maxAffected'>;

const allowed: Record<Enumerated, readonly string[]> = {
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
	let maxAffected: number | undefined;
	for (const part of raw.split(',')) {
		const [k, v] = part.split('=', 2).map((s) => s.trim());
		if (!k || v === undefined) continue;
		if (k === 'max-affected') {
			if (maxAffected === undefined && /^\d{1,15}$/.test(v)) maxAffected = Number(v);
			continue;
		}
		if (!(k in allowed)) continue;
		const key = k as Enumerated;
		if (!allowed[key].includes(v) || out[key] !== undefined) continue;
		(out as unknown as Record<string, string>)[key] = v;
		out.applied.push(`${k}=${v}`);
	}
	if (maxAffected !== undefined && out.handling === 'strict') {
		out.maxAffected = maxAffected;
		out.applied.push(`max-affected=${maxAffected}`);
	}
	return out;
}
