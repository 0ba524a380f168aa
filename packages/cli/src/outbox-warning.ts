import type { OutboxPeak } from '@faultline/simulator';
import { grouped } from './format.ts';

/**
 * Unacknowledged messages from one node to one peer past which a campaign warns. Ken
 * delivers every message reliably, so a healthy protocol's outbox holds what is in flight:
 * a handful. Thousands mean sends that pile up while a peer is down or slow, most often
 * a resend on a timer (right on a lossy network, wrong under Ken: every resend is queued).
 */
export const OUTBOX_WARN_ENTRIES = 1000;

/** The campaign summary's warning about a Ken outbox that grew without bound, if one did. */
export function outboxWarning(peak: OutboxPeak | undefined): string | undefined {
  if (peak === undefined || peak.entries < OUTBOX_WARN_ENTRIES) return undefined;
  return (
    `ken outbox: ${peak.node} held ${grouped(peak.entries)} unacknowledged messages to ${peak.peer} (seed ${peak.seed}). ` +
    'Under Ken every send is delivered reliably, so a resend on a timer queues again what Ken already holds: ' +
    `send only when ctx.unackedTo('${peak.peer}') is 0 (docs/ken.md, "Resending under Ken")`
  );
}
