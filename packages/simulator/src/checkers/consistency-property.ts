import { restartSessions, type ConsistencySpec, type ProtocolDefinition, type Property } from '@faultline/runtime';
import { kvModel } from './kv-model.ts';
import { linearizable } from './linearizable-property.ts';
import type { Model } from './model.ts';
import { sequentiallyConsistent, sequentiallyConsistentPerKey } from './sequential-property.ts';
import { causallyConsistent } from './causal-property.ts';
import { collectionModel } from './collection-model.ts';

/** The property that checks a protocol's declared consistency level on the client history. */
export function consistencyProperty(spec: ConsistencySpec): Property {
  const p = levelProperty(spec);
  const restarts = spec.restartsSession;
  if (restarts === undefined) return p;
  return { ...p, check: (view) => p.check({ ...view, history: restartSessions(view.history, restarts) }) };
}

function levelProperty(spec: ConsistencySpec): Property {
  const model = (spec.model === 'collection' ? collectionModel : kvModel) as Model<unknown, unknown, unknown>;
  switch (spec.level) {
    case 'linearizable':
      return linearizable('linearizable', model) as Property;
    case 'sequential':
      return sequentiallyConsistent('sequential', model) as Property;
    case 'sequential-per-key':
      return sequentiallyConsistentPerKey('sequential-per-key', model) as Property;
    case 'causal':
      return causallyConsistent('causal') as Property;
  }
}

/** A protocol's own properties, followed by its declared consistency check if it has one. */
export function protocolProperties(protocol: ProtocolDefinition): readonly Property[] {
  const c = protocol.consistency;
  return c === undefined ? protocol.properties : [...protocol.properties, consistencyProperty(c)];
}
