// The entry of a campaign worker thread (see worker-campaign.ts). A worker thread does
// not inherit the main thread's module hooks, so it registers tsx itself before loading
// faultline's TypeScript sources and the user's own protocol or scenario module.
import { register } from 'tsx/esm/api';

register();
await import('./campaign-worker.ts');
