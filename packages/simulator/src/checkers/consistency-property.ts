import type { ConsistencySpec, ProtocolDefinition, Property } from '@faultline/runtime';
import { kvModel } from './kv-model.ts';
import { linearizable } from './linearizable-property.ts';

/** The property that checks a protocol's declared consistency level on the client history. */
export function consistencyProperty(spec: ConsistencySpec): Property {
  switch (spec.level) {
    case 'linearizable':
      return linearizable('linearizable', kvModel) as Property;
    case 'sequential':
    case 'causal':
      throw new Error(`consistency level '${spec.level}' has no checker yet`);
  }
}

/** A protocol's own properties, followed by its declared consistency check if it has one. */
export function protocolProperties(protocol: ProtocolDefinition): readonly Property[] {
  const c = protocol.consistency;
  return c === undefined ? protocol.properties : [...protocol.properties, consistencyProperty(c)];
}
