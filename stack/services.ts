// The services the gateway mounts, one per Supabase API: /auth/v1, /rest/v1, /realtime/v1,
// /storage/v1. Each is a factory taking the shared ServiceContext.
import type { ServiceFactory } from './http.ts';
import { createAuthService } from './auth/index.ts';
import { createStorageService } from './storage/index.ts';
import { createRealtimeService } from './realtime/index.ts';
import { createRealtimeProcessService } from './realtime/process.ts';
import { createRestService } from './rest/index.ts';

export const serviceFactories: ServiceFactory[] = [
	createAuthService,
	// COACHLINE_REALTIME_PROCESS=1 runs realtime in a higher-priority process of its own (see
	// realtime/process.ts): under a crowd it delivered DMs faster, but a join occasionally goes
	// unanswered there (tests/integration/realtime.test.ts timed out 2 runs in 3), so it is not
	// the default until that is found.
	process.env.COACHLINE_REALTIME_PROCESS === '1'
		? createRealtimeProcessService
		: createRealtimeService,
	createStorageService,
	createRestService
];
