import { readFileSync } from 'node:fs';
const t = JSON.parse(readFileSync('/tmp/trace.json'));
const ev = t.traceEvents;
const main = ev.find(e => e.name === 'thread_name' && e.args.name === 'CrRendererMain' && ev.some(x=>x.pid===e.pid && x.name==='ParseHTML'));
const pid = main.pid, tid = main.tid;
const mine = ev.filter(e => e.pid === pid && e.tid === tid && e.ph === 'X');
const tasks = mine.filter(e => e.name === 'RunTask' || e.name==='ThreadControllerImpl::RunTask').filter(e => e.dur > 10000).sort((a,b)=>a.ts-b.ts);
const t0 = Math.min(...mine.map(e=>e.ts));
const kinds = ['UpdateLayoutTree','Layout','PrePaint','Paint','Layerize','FunctionCall','v8.callFunction','RunMicrotasks','wasm.CompileLazy','EvaluateScript','ParseHTML','TimerFire','EventDispatch','FireAnimationFrame','v8.wasm.compileLazy', 'HitTest','ScheduleStyleRecalculation'];
for (const k of tasks) {
  const kids = mine.filter(e => e.ts >= k.ts && e.ts + e.dur <= k.ts + k.dur && e !== k);
  const sum = {};
  for (const c of kids) { if (kinds.includes(c.name) || c.name.startsWith('wasm') || c.name.startsWith('v8.wasm')) sum[c.name] = (sum[c.name]||0) + c.dur; }
  console.log(((k.ts-t0)/1000).toFixed(0), 'ms dur', (k.dur/1000).toFixed(1), Object.entries(sum).map(([n,d])=>`${n}:${(d/1000).toFixed(1)}`).join(' '));
}
