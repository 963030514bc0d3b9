// Route parameter matchers: a route folder named [id=uuid] matches only a UUID, so anything else
// is a 404 before any load runs and no load has to check its id itself.
import { z } from 'zod';
import { isUuid } from '#lib/ids.ts';

export const params = {
	uuid: z.string().refine(isUuid)
};
