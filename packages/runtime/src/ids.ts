/** A node's name in a cluster, e.g. `n1`. */
export type NodeId = string;
/** A client's name, e.g. `c1`. */
export type ClientId = string;
/**
 * A client request's id. It is unique per logical operation and stays the same across
 * retries, so a service can answer a retried request instead of applying it twice.
 */
export type RequestId = string;
