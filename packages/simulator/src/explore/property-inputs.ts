import type { Property, SystemView } from '@faultline/runtime';
import { withDeterminismGuard } from '../guard.ts';
import type { CheckModel, ModelState } from './check-model.ts';
import { structuralHash } from './structural-hash.ts';

/**
 * What the `always` properties read, and which values of it a search has seen. Each check
 * of a state runs the properties on a view whose node views and (plain-object) node
 * states record the members read: `up`, the state's top-level fields (`log`, `next`), the
 * history. A state's *features* are those members' values, one per node and field
 * (`n1.next = 'n3'`) and one per operation of the history (its status and result); a
 * feature is new the first time any state of the search has it. The directed search
 * (directed.ts) goes first where new features appear: states where a property's inputs
 * change. Fields the properties never read (a tick counter, a heartbeat flag) are not
 * features, so steps that only change them do not count as progress.
 */
export class PropertyInputs {
  /** State fields read, over every node (nodes alike in a protocol are read alike); '*' when a property enumerated the state. */
  private readonly fields = new Set<string>();
  private upRead = false;
  private historyRead = false;
  private readonly seen = new Set<string>();

  constructor(
    private readonly model: CheckModel,
    private readonly props: readonly Property[] = model.always,
  ) {}

  /** Runs the properties on `s` to learn what they read, then counts the features of `s` not seen before (and remembers them). */
  novelty(s: ModelState): number {
    this.record(s);
    let fresh = 0;
    for (const f of this.features(s)) {
      if (this.seen.has(f)) continue;
      this.seen.add(f);
      fresh++;
    }
    return fresh;
  }

  /** The fields learnt so far, sorted (for tests and reports). */
  get read(): { readonly fields: readonly string[]; readonly up: boolean; readonly history: boolean } {
    return { fields: [...this.fields].sort(), up: this.upRead, history: this.historyRead };
  }

  private features(s: ModelState): string[] {
    const out: string[] = [];
    for (const n of s.nodes) {
      if (!n.started) continue;
      if (this.upRead) out.push(`${n.id}.up=${n.up}`);
      const st = n.state;
      if (!isPlain(st) || this.fields.has('*')) {
        if (this.fields.size > 0) out.push(`${n.id}=${structuralHash(st)}`);
        continue;
      }
      for (const k of this.fields) out.push(`${n.id}.${k}=${structuralHash((st as Record<string, unknown>)[k])}`);
    }
    if (this.historyRead) for (const op of s.ops) out.push(`${op.id}:${op.status}=${op.status === 'pending' ? op.attempts : structuralHash(op.result)}`);
    return out;
  }

  private record(s: ModelState): void {
    const base = this.model.view(s, 'running', s.ops.slice());
    const nodes = base.nodes.map((n) =>
      recording(n, (k) => {
        if (k === 'up') this.upRead = true;
      }, (k, v) => (k === 'state' && isPlain(v) ? recording(v, (f) => this.fields.add(f), undefined, () => this.fields.add('*')) : v)),
    );
    const view = recording({ ...base, nodes }, (k) => {
      if (k === 'history') this.historyRead = true;
    }) as SystemView;
    withDeterminismGuard(
      () => `faultline check of ${this.model.options.protocol.name} (what its properties read)`,
      () => {
        for (const p of this.props)
          try {
            p.check(view);
          } catch {
            // A property that throws fails in the search's own check, which reports it.
          }
      },
    );
  }
}

function isPlain(v: unknown): v is object {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A read-only view of `target` that reports the string members read (and enumerations); `wrap` may replace a member's value. */
function recording<T extends object>(target: T, onRead: (key: string) => void, wrap?: (key: string, v: unknown) => unknown, onEnumerate?: () => void): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      const v = Reflect.get(t, key, receiver);
      if (typeof key !== 'string') return v;
      onRead(key);
      return wrap !== undefined && !Object.isFrozen(t) ? wrap(key, v) : v;
    },
    has(t, key) {
      if (typeof key === 'string') onRead(key);
      return Reflect.has(t, key);
    },
    ownKeys(t) {
      onEnumerate?.();
      return Reflect.ownKeys(t);
    },
  });
}
