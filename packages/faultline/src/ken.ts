/** `faultline/ken`: Ken rollback-recovery: KenNode, checkpoint stores. */
export * from '@faultline/ken-checkpoint';
