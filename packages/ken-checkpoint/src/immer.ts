import { immerProduction } from '@faultline/runtime';

/** Ken's own instance of immer's production build (as the runtime's turns use): no auto-freeze (speed), and no change to a user's global immer. */
export const kenImmer = new immerProduction.Immer({ autoFreeze: false });
