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
	// Realtime runs in a higher-priority process of its own (see realtime/process.ts): a DM's
	// notification no longer waits behind other people's REST work on the gateway's event loop.
	// COACHLINE_REALTIME_PROCESS=0 keeps it inside the gateway (one process, e.g. for profiling).
	process.env.COACHLINE_REALTIME_PROCESS === '0'
		? createRealtimeService
		: createRealtimeProcessService,
	createStorageService,
	createRestService
];
