// Route parameter matchers: a route folder named [id=uuid] matches only a UUID, so anything else
// is a 404 before any load runs and no load has to check its id itself. A plain function rather
// than a schema library: matchers ship to the browser with every page, and zod alone was 23 kB of
// the athlete's Today (gzip).
import { defineParams } from '@sveltejs/kit/params';
import { isUuid } from '#lib/ids.ts';

export const params = defineParams({
	uuid: (value: string) => (isUuid(value) ? value : undefined)
});
