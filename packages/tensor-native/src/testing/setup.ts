/** vitest's setup file: registers the native backend in @funt/tensor's sources (tensor-sources.ts). */
import './tensor-sources.js';
