/** Reading and writing tensors to files. */

export { writeFileAtomic } from './atomic-write.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  parseHeader,
  parseHeaderLength,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsContents,
  type SafetensorsEntry,
  SafetensorsError,
  type SafetensorsHeader,
  type SafetensorsReadOptions,
  safetensorsChunks,
  saveSafetensors,
} from './safetensors.js';
