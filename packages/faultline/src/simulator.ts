/** `faultline/simulator`: the deterministic simulator: simulate, campaign, check, the history checkers. */
export * from '@faultline/simulator';
