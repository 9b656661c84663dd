/** Reading and writing tensors to files. */

export { writeFileAtomic } from './atomic-write.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  type SafetensorsContents,
  SafetensorsError,
  type SafetensorsReadOptions,
  saveSafetensors,
} from './safetensors.js';
