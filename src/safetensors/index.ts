export { MAX_HEADER_BYTES, readSafetensors, type SafetensorsTensor, type SafetensorsTensors } from './read-safetensors.js';
export { DTYPE_BYTES, floatToBfloat16, floatToHalf, halfToFloat, isSupportedDtype, type SafetensorsDtype } from './safetensors-dtype.js';
export { writeSafetensors, type SafetensorsInput } from './write-safetensors.js';
