/**
 * The training worker: everything that computes runs here, so the page stays responsive. It
 * loads the kernels (`await ready()`) and the digits, then serves the page's messages
 * (protocol.ts) one at a time; training yields between iterations, where pause, stop and
 * predictions are handled.
 */
import { ready } from '@funt/tensor';
import { BATCH, median, type Pass, resnet20Step, timeSteps } from '../benchmark/step.js';
import type { BenchmarkRow, FromWorker, ToWorker } from '../protocol.js';
import { loadDigits } from './digits.js';
import { quickstartSettings, Session } from './session.js';
import { useThreads } from './threads.js';

const scope = globalThis as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let session: Session | null = null;

async function init(baseUrl: string): Promise<void> {
  await ready();
  const data = await loadDigits(baseUrl);
  await useThreads(0);
  session = new Session(data, post);
  post({
    type: 'ready',
    digits: data.train.shape[0] + data.val.shape[0] + data.test.shape[0],
    defaults: quickstartSettings(),
    ...session.threadInfo(),
  });
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'init') return init(message.baseUrl);
  if (!session) throw new Error('the worker is still starting');
  switch (message.type) {
    case 'train':
      return session.train(message.settings);
    case 'pause':
      return session.pause();
    case 'resume':
      return session.resume();
    case 'stop':
      return session.stop();
    case 'predict': {
      const p = session.predict(message.pixels);
      return post({ type: 'prediction', ...p }, [p.saliency.buffer]);
    }
    case 'export': {
      const m = session.exportModel(message.format);
      return post({ type: 'model', ...m }, [m.bytes.buffer]);
    }
    case 'load':
      return post({ type: 'loaded', ...session.load(message.name, message.bytes) });
    case 'benchmark':
      session.assertNotTraining('run the benchmark');
      return post({ type: 'benchmark', rows: await benchmark(message.rounds, session.threadInfo().maxThreads) });
  }
}

/** ResNet-20 at batch 128, training and inference, on 1 thread and on every thread, interleaved over `rounds`. */
async function benchmark(rounds: number, maxThreads: number): Promise<BenchmarkRow[]> {
  const configs: { pass: Pass; threads: number }[] = [];
  for (const pass of ['training', 'inference'] as const)
    for (const threads of maxThreads > 1 ? [1, maxThreads] : [1]) configs.push({ pass, threads });
  const seconds = configs.map(() => [] as number[]);
  // One model per pass, whatever the thread count (threads do not change a model or its results).
  const step = { training: resnet20Step('training'), inference: resnet20Step('inference') };
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < configs.length; i++) {
      await useThreads(configs[i].threads);
      seconds[i].push(...timeSteps(step[configs[i].pass], r === 0 ? 1 : 0, 2));
    }
  }
  await useThreads(0);
  return configs.map((c, i) => ({ ...c, imagesPerSecond: BATCH / median(seconds[i]) }));
}

scope.onmessage = (event) => {
  handle(event.data).catch((e: unknown) => post({ type: 'error', message: (e as Error).message ?? String(e) }));
};
