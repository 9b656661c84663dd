/**
 * TensorFlow.js on the same ResNet-20 in a Web Worker of the bench page. The first message says
 * the backend ('wasm' with a thread count, fixed when it starts, or 'cpu'); every later one is a
 * timing request. A pass the backend cannot run (the wasm backend has no gradient kernels for
 * convolutions) replies with the error.
 */
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { timeSteps } from '../../src/benchmark/step.js';
import type { TimingReply, TimingRequest } from './protocol.js';
import { tfjsStep } from './tfjs-resnet.js';

type Message = { backend: 'wasm' | 'cpu'; threads: number } | TimingRequest;

let started: Promise<void> | null = null;
const steps = new Map<string, () => void>();

async function start(backend: 'wasm' | 'cpu', threads: number): Promise<void> {
  if (backend === 'wasm') {
    setWasmPaths({
      'tfjs-backend-wasm.wasm': plainWasm,
      'tfjs-backend-wasm-simd.wasm': simdWasm,
      'tfjs-backend-wasm-threaded-simd.wasm': threadedWasm,
    });
    setThreadsCount(threads);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not start its ${backend} backend`);
  await tf.ready();
}

async function time(r: TimingRequest): Promise<TimingReply> {
  await started;
  const key = `${r.pass}/${r.batch}`;
  try {
    let step = steps.get(key);
    if (!step) steps.set(key, (step = tfjsStep(r.pass, r.batch)));
    return { seconds: timeSteps(step, r.warmup, r.steps) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

addEventListener('message', (e: MessageEvent<Message>) => {
  const m = e.data;
  if ('backend' in m) {
    started = start(m.backend, m.threads);
    started.then(
      () => postMessage({ started: tf.getBackend() }),
      (err: Error) => postMessage({ error: err.message }),
    );
    return;
  }
  time(m).then(postMessage);
});
