import { OptionsSchedule } from './schedule.js';

/** The configured learning rate throughout. */
export class ConstantSchedule extends OptionsSchedule<Record<string, never>> {
  constructor() {
    super('constant', {}, {}, {});
  }

  /** 1 at every epoch. */
  factor(_epoch: number): number {
    return 1;
  }
}
