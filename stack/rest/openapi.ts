// GET /rest/v1/: the description of the API PostgREST serves at its root.
import type { SchemaCache } from './schema-cache.ts';

export function openApiDocument(cache: SchemaCache, schema: string): string {
	const paths: Record<string, unknown> = {};
	for (const r of cache.relations.values())
		if (r.schema === schema && r.kind !== 'composite') paths[`/${r.name}`] = {};
	return JSON.stringify({
		swagger: '2.0',
		info: { title: 'Coachline REST', version: '14' },
		paths
	});
}
