/**
 * Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations: each rotation zeroes
 * one off-diagonal element; a few sweeps reach machine precision for 3×3. Enough for the RGB
 * covariance behind PCA lighting, and much smaller than a general eigen-solver.
 */
export interface Eigen3 {
  /** Eigenvalues, largest first. */
  values: [number, number, number];
  /** Unit eigenvectors as rows: vectors[i] belongs to values[i]. */
  vectors: [number[], number[], number[]];
}

/** `a` is row-major (9 values) and must be symmetric. */
export function symmetricEigen3(a: ArrayLike<number>): Eigen3 {
  if (a.length !== 9) throw new RangeError(`symmetricEigen3: expected 9 values (a 3×3 matrix), got ${a.length}`);
  for (let i = 0; i < 9; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`symmetricEigen3: entry ${i} is ${a[i]}`);
  }
  for (const [i, j] of [
    [0, 1],
    [0, 2],
    [1, 2],
  ]) {
    const x = a[i * 3 + j];
    const y = a[j * 3 + i];
    if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x), Math.abs(y))) {
      throw new RangeError(`symmetricEigen3: matrix is not symmetric (a[${i}][${j}] = ${x}, a[${j}][${i}] = ${y})`);
    }
  }
  const m = [
    [a[0], a[1], a[2]],
    [a[3], a[4], a[5]],
    [a[6], a[7], a[8]],
  ];
  // v accumulates the rotations: its columns become the eigenvectors.
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = m[0][1] ** 2 + m[0][2] ** 2 + m[1][2] ** 2;
    const scale = m[0][0] ** 2 + m[1][1] ** 2 + m[2][2] ** 2 + off;
    if (off <= 1e-30 * scale || off === 0) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      if (m[p][q] === 0) continue;
      // The rotation angle that zeroes m[p][q] (Numerical Recipes' stable form).
      const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const mkp = m[k][p];
        const mkq = m[k][q];
        m[k][p] = c * mkp - s * mkq;
        m[k][q] = s * mkp + c * mkq;
      }
      for (let k = 0; k < 3; k++) {
        const mpk = m[p][k];
        const mqk = m[q][k];
        m[p][k] = c * mpk - s * mqk;
        m[q][k] = s * mpk + c * mqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k][p];
        const vkq = v[k][q];
        v[k][p] = c * vkp - s * vkq;
        v[k][q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => m[j][j] - m[i][i]);
  return {
    values: order.map((i) => m[i][i]) as [number, number, number],
    vectors: order.map((i) => [v[0][i], v[1][i], v[2][i]]) as [number[], number[], number[]],
  };
}
