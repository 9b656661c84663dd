/** funt's ResNet-20 step in a Web Worker of the bench page: the same code Node times (src/benchmark/step.ts). */
import { ready } from '@funt/tensor';
import { type Pass, resnet20Step, timeSteps } from '../../src/benchmark/step.js';
import { useThreads } from '../../src/worker/threads.js';
import type { TimingReply, TimingRequest } from './protocol.js';

const steps = new Map<Pass, () => void>();

async function time(r: TimingRequest): Promise<TimingReply> {
  await ready();
  await useThreads(r.threads ?? 0);
  let step = steps.get(r.pass);
  if (!step) steps.set(r.pass, (step = resnet20Step(r.pass)));
  return { seconds: timeSteps(step, r.warmup, r.steps) };
}

addEventListener('message', (e: MessageEvent<TimingRequest>) => {
  time(e.data).then(postMessage, (err: Error) => postMessage({ error: err.message }));
});
