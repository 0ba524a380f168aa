import { campaign } from '@faultline/simulator';
import { protocols } from '@faultline/protocols';
const p = protocols.find((x) => x.name === 'primary-backup')!;
console.log(p.faults);
const faults = [...new Set([...p.faults, 'partition'])] as never;
const t0 = performance.now();
const r = campaign({ protocol: p, seeds: 300, faults });
console.log('correct', r.failures.length, r.failures.slice(0, 3).map((f) => `${f.seed}:${f.property}:${f.message}`), Math.round(performance.now() - t0));
for (const b of p.bugs) { const q = campaign({ protocol: p, seeds: 200, faults, bug: b.name, failFast: true }); console.log(b.name, q.failures[0]?.seed, q.failures[0]?.property); }
