/** Whether `v` is a plain JSON-like object: not null, not an array (the shape checks of scenarios and schedules). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
