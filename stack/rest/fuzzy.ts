// "Perhaps you meant …" hints: the closest name in a set, scored as the fuzzyset library PostgREST
// uses scores it (cosine similarity of padded 3-grams, falling back to 2-grams, then re-ranked by
// Levenshtein distance relative to the longer name).

function grams(value: string, size: number): Map<string, number> {
	const s = `-${value.toLowerCase().replace(/[^a-z0-9\u00c0-\u00ff, ]+/g, '')}-`;
	const out = new Map<string, number>();
	const padded = s.length < size ? s + '-'.repeat(size - s.length) : s;
	for (let i = 0; i + size <= padded.length; i++) {
		const g = padded.slice(i, i + size);
		out.set(g, (out.get(g) ?? 0) + 1);
	}
	return out;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
	let dot = 0;
	let na = 0;
	let nb = 0;
	for (const [g, n] of a) {
		na += n * n;
		dot += n * (b.get(g) ?? 0);
	}
	for (const n of b.values()) nb += n * n;
	return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function levenshtein(a: string, b: string): number {
	let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const cur = [i];
		for (let j = 1; j <= b.length; j++)
			cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
		prev = cur;
	}
	return prev[b.length];
}

/** Candidates scored against `query`, best first, with their scores. */
export function fuzzyMatches(candidates: Iterable<string>, query: string): Array<[number, string]> {
	const list = [...new Set(candidates)];
	for (const size of [3, 2]) {
		const q = grams(query, size);
		const scored = list
			.map((c): [number, string] => [cosine(q, grams(c, size)), c])
			.filter(([score]) => score > 0);
		if (scored.length === 0) continue;
		const lq = query.toLowerCase();
		return scored
			.map(([, c]): [number, string] => {
				const lc = c.toLowerCase();
				return [1 - levenshtein(lq, lc) / Math.max(lq.length, lc.length), c];
			})
			.sort((x, y) => y[0] - x[0]);
	}
	return [];
}

/** The best candidate scoring at least `minScore` (fuzzyset's default is 0.33). */
export function closest(
	candidates: Iterable<string>,
	query: string,
	minScore = 0.33
): string | null {
	const best = fuzzyMatches(candidates, query)[0];
	return best && best[0] >= minScore ? best[1] : null;
}
