/** Reading and writing tensors to files. */
export {
  SafetensorsError,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type SafetensorsReadOptions,
  type SafetensorsContents,
  saveSafetensors,
  loadSafetensors,
  encodeSafetensors,
  decodeSafetensors,
  safetensorsChunks,
  parseHeaderLength,
  parseHeader,
} from './safetensors.js';
export { writeFileAtomic } from './atomic-write.js';
