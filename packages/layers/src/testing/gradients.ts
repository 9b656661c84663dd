import { withBackend } from '@funt/tensor';
import { expect } from 'vitest';
import { checkModuleGradients, type GradCheckOptions, type GradCheckReport } from '../checking/gradcheck.js';
import type { ActivityShape } from '../module/activity.js';
import type { Module } from '../module/module.js';

/** Builds the module in float64 on the reference backend and checks its backward numerically. */
export function expectGradients(
  build: () => Module,
  shape: ActivityShape,
  opts: GradCheckOptions = {},
): GradCheckReport {
  const report = withBackend(
    'reference',
    () => {
      const m = build();
      try {
        return checkModuleGradients(m, shape, opts);
      } finally {
        m.dispose();
      }
    },
    'float64',
  );
  expect(report.ok, report.toString()).toBe(true);
  return report;
}
