/**
 * Softmax and log-softmax over the rows of a [rows, cols] matrix, and their backward passes.
 * Rows are independent, so [r0, r1) is the unit of parallel work. The row sums (and the
 * backward pass) run in f64: the rows are short (class scores) and the exponentials dominate
 * the cost anyway.
 */

import { at } from './util';

/** y = softmax(x) (or log-softmax when `log`) for rows [r0, r1). */
export function softmax(x: usize, y: usize, cols: i32, log: bool, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const xr = at(x, r * cols);
    const yr = at(y, r * cols);
    let m = -Infinity as f32;
    for (let j = 0; j < cols; j++) m = max(m, load<f32>(at(xr, j)));
    let sum: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const e = Mathf.exp(load<f32>(at(xr, j)) - m);
      sum += <f64>e;
      if (!log) store<f32>(at(yr, j), e);
    }
    if (log) {
      // (x − max) − log Σ: subtracting the max first keeps the small result exact for large x.
      const logSum = <f32>Math.log(sum);
      for (let j = 0; j < cols; j++) store<f32>(at(yr, j), load<f32>(at(xr, j)) - m - logSum);
    } else {
      const inv = <f32>(1 / sum);
      for (let j = 0; j < cols; j++) store<f32>(at(yr, j), load<f32>(at(yr, j)) * inv);
    }
  }
}

/**
 * dx from the forward output y and dy, rows [r0, r1).
 * softmax:     dx = y · (dy − Σ dy·y)
 * log-softmax: dx = dy − exp(y) · Σ dy
 */
export function softmaxBackward(y: usize, dy: usize, dx: usize, cols: i32, log: bool, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const yr = at(y, r * cols);
    const gr = at(dy, r * cols);
    const dr = at(dx, r * cols);
    let s: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const g = <f64>load<f32>(at(gr, j));
      s += log ? g : g * <f64>load<f32>(at(yr, j));
    }
    // In f64: dy − Σ cancels when one class takes all the probability, and the rows are short.
    for (let j = 0; j < cols; j++) {
      const yv = <f64>load<f32>(at(yr, j));
      const g = <f64>load<f32>(at(gr, j));
      store<f32>(at(dr, j), <f32>(log ? g - Math.exp(yv) * s : yv * (g - s)));
    }
  }
}
