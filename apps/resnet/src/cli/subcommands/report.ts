import { Command } from 'commander';
import type { ReportCommandOptions } from '../../commands/report.js';
import { act, checkFolder } from '../action.js';

/** `funt-resnet report <runs...>`. */
export function reportSubcommand(run: (runs: string[], o: ReportCommandOptions) => Promise<void>): Command {
  const cmd = new Command('report')
    .description('one self-contained HTML report from one or more run folders')
    .argument('<runs...>', 'run folders')
    .option('--out <file>', 'HTML file (default: <run>/report/index.html for one run, ./report.html for several)')
    .option('--title <text>', 'page title');
  return act(cmd, async (runs: string[], o: ReportCommandOptions) => {
    for (const r of runs) checkFolder('run folder', r);
    await run(runs, o);
  });
}
