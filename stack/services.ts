// The services the gateway mounts, one per Supabase API: /auth/v1, /rest/v1, /realtime/v1,
// /storage/v1. Each is a factory taking the shared ServiceContext.
import type { ServiceFactory } from './http.ts';
import { createAuthService } from './auth/index.ts';
import { createStorageService } from './storage/index.ts';
import { createRealtimeService } from './realtime/index.ts';
import { createRestService } from './rest/index.ts';

export const serviceFactories: ServiceFactory[] = [
	createAuthService,
	createRealtimeService,
	createStorageService,
	createRestService
];
