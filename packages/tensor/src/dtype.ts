/**
 * Element types. funt computes in float32; float64 exists so that the reference backend can
 * run numerical gradient checks whose round-off does not drown the error being measured.
 */
export type DType = 'float32' | 'float64';

/** The typed array that holds a tensor's elements: Float32Array for 'float32', Float64Array for 'float64'. */
export type DataArray = Float32Array | Float64Array;

export function arrayConstructor(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === 'float64' ? Float64Array : Float32Array;
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}
