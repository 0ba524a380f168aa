import { Rng } from './rng.ts';

/**
 * Every nondeterministic choice of one run, per labeled stream (`network/n1>n2`,
 * `workload/c1`, `node/n1`, `disk/n1`, `faults`, `pct`), in the order drawn. A value is
 * a unit float in [0, 1) (a latency, a think time, `ctx.random()`), an integer index (a
 * pick), or 0/1 (a drop, a duplicate); 0 is always the simplest (the minimum latency, the
 * first item, "no"). Replaying a sequence reruns the run it came from exactly; a stream
 * that draws past its end gets 0s.
 */
export type ChoiceSequence = { readonly [label: string]: readonly number[] };

/** Draws past the end of one stream's sequence, within one event, that mean a rejection loop spinning on 0s. */
export const MAX_DEFAULT_DRAWS_PER_EVENT = 10_000;

/** A replayed sequence drove a draw loop that never ends on defaults (`while (a === b) b = pick(...)`). */
export class ChoiceOverrun extends Error {}

/**
 * The choice source of a run. Without a sequence it hands out the seeded streams the
 * run always used (so traces stay bit for bit the same) and, when asked, records what
 * they drew; with a sequence it replays it instead. Either way `sequence()` is what
 * the run drew, normalised (what a replay clamped or defaulted is written as used).
 */
export class Choices {
  private readonly drawn = new Map<string, number[]>();
  private readonly shared = new Map<string, Rng>();
  /** Past-the-end draws since the last `tick()`. */
  defaults = 0;

  constructor(
    private readonly root: Rng,
    private readonly given: ChoiceSequence | undefined,
    private readonly record: boolean,
  ) {}

  get recording(): boolean {
    return this.record || this.given !== undefined;
  }

  /**
   * The stream `label`. Seeded, it draws from `root.fork(seeded)` (default: the label
   * itself): labels that share a seeded stream (every link shares `network`) keep the
   * draws of today's runs while their choices are recorded apart, so that deleting one
   * link's choices never shifts another's.
   */
  stream(label: string, seeded: string = label): Rng {
    if (!this.recording) return this.seeded(seeded);
    let out = this.drawn.get(label);
    if (out === undefined) this.drawn.set(label, (out = []));
    if (this.given === undefined) return new RecordingStream(this.root.seed, this.seeded(seeded), out);
    return new ReplayStream(this.root.seed, this.given[label] ?? [], out, this);
  }

  /** How many values the stream `label` has recorded so far (0 when the run records no choices). */
  count(label: string): number {
    return this.drawn.get(label)?.length ?? 0;
  }

  /** The labels recorded so far that `keep` accepts, with how many values each holds. */
  countsWhere(keep: (label: string) => boolean): Map<string, number> {
    const out = new Map<string, number>();
    for (const [label, values] of this.drawn) if (keep(label)) out.set(label, values.length);
    return out;
  }

  /** A new event begins (resets the rejection-loop guard). */
  tick(): void {
    this.defaults = 0;
  }

  /** What was drawn, by label in sorted order (empty streams left out); undefined when not recording. */
  sequence(): ChoiceSequence | undefined {
    if (!this.recording) return undefined;
    const out: Record<string, readonly number[]> = {};
    for (const label of [...this.drawn.keys()].sort()) {
      const values = this.drawn.get(label)!;
      if (values.length > 0) out[label] = values;
    }
    return out;
  }

  private seeded(label: string): Rng {
    let rng = this.shared.get(label);
    if (rng === undefined) this.shared.set(label, (rng = this.root.fork(label)));
    return rng;
  }
}

/** Draws from a seeded stream and writes each choice down. */
class RecordingStream extends Rng {
  constructor(
    seed: string,
    private readonly source: Rng,
    private readonly out: number[],
  ) {
    super(seed);
  }

  protected override unit(): number {
    const u = this.source.random();
    this.out.push(u);
    return u;
  }

  protected override below(n: number): number {
    const k = this.source.int(n);
    this.out.push(k);
    return k;
  }

  protected override flip(p: number): boolean {
    const b = this.source.chance(p);
    this.out.push(b ? 1 : 0);
    return b;
  }
}

/**
 * Reads choices from a sequence. An edited sequence may put a value where another kind
 * is read: a unit outside [0, 1) reads as 0, an integer is taken modulo `n`, only 1 (or
 * more) reads as "yes"; past the end everything reads as 0.
 */
class ReplayStream extends Rng {
  private at = 0;

  constructor(
    seed: string,
    private readonly values: readonly number[],
    private readonly out: number[],
    private readonly owner: Choices,
  ) {
    super(seed);
  }

  private take(): number {
    if (this.at < this.values.length) {
      const v = this.values[this.at++]!;
      return Number.isFinite(v) && v >= 0 ? v : 0;
    }
    if (++this.owner.defaults > MAX_DEFAULT_DRAWS_PER_EVENT)
      throw new ChoiceOverrun(`more than ${MAX_DEFAULT_DRAWS_PER_EVENT} draws past the end of the choice sequence in one event: a loop that draws until it sees something new never ends on the default 0`);
    return 0;
  }

  protected override unit(): number {
    const v = this.take();
    const u = v < 1 ? v : 0;
    this.out.push(u);
    return u;
  }

  protected override below(n: number): number {
    const v = Math.floor(this.take());
    const k = n >= 1 ? v % Math.floor(n) : 0;
    this.out.push(k);
    return k;
  }

  protected override flip(_p: number): boolean {
    const b = this.take() >= 1;
    this.out.push(b ? 1 : 0);
    return b;
  }
}
