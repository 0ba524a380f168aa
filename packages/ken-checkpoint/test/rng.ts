/** mulberry32: a tiny seeded PRNG for tests (uniform in [0, 1)). */
export function mulberry32(seed: number): { random(): number; int(n: number): number } {
  let a = seed >>> 0;
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { random, int: (n: number) => Math.floor(random() * n) };
}
