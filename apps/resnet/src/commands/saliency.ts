import { join } from 'node:path';
import { makeSaliency } from '../figures/make.js';
import { consoleLog, type Log } from '../log.js';
import { RUN_FILES } from '../run/run-folder.js';
import { checkRows, type InspectionOptions, prepareInspection, writePage } from './shared/inspection.js';

/** Options of the saliency command (`saliencyCommand`): `images` are row indices into the chosen split. */
export type SaliencyOptions = InspectionOptions & { images: number[] };

/** saliency: maps for chosen images of a split, as PNGs and a page. */
export async function saliencyCommand(o: SaliencyOptions, log: Log = consoleLog): Promise<string> {
  const { saved, set, out, ctx } = await prepareInspection(o, 'saliency', log);
  checkRows(o.images, set, '--images');
  makeSaliency(out, saved.model, ctx, set, o.images);
  log(`saliency maps of ${o.images.length} image(s) in ${join(out, RUN_FILES.figures, 'saliency')}`);
  return writePage(out, 'Saliency maps', log);
}
