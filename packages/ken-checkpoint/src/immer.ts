import { Immer, enablePatches } from 'immer';

enablePatches();

/** Ken's own immer instance: no auto-freeze (speed), and no change to a user's global immer. */
export const kenImmer = new Immer({ autoFreeze: false });
