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
	// Realtime runs in a process of its own (see realtime/process.ts), so message delivery never
	// waits for the gateway's event loop; COACHLINE_REALTIME_IN_PROCESS=1 keeps it in this one.
	process.env.COACHLINE_REALTIME_IN_PROCESS === '1'
		? createRealtimeService
		: createRealtimeProcessService,
	createStorageService,
	createRestService
];
