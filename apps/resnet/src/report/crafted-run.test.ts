import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '../images/png.js';
import { createRunFolder, RUN_FILES, writeJson } from '../run/run-folder.js';
import { writeReport } from './build.js';

/**
 * A report built from run folders someone else made: whatever their files hold, the page runs
 * no script of theirs and embeds no file from outside the run, and a malformed file is an error
 * naming it.
 */
const tmp = mkdtempSync(join(tmpdir(), 'funt-crafted-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const XSS = '<script>alert(1)</script>';
let runs = 0;

/** A run folder whose config, history, results and one figure hold `XSS` wherever text goes. */
function craftedRun(figureFile = 'x/0000.png'): string {
  const dir = createRunFolder(join(tmp, `run${runs++}`));
  writeJson(join(dir, RUN_FILES.config), {
    name: XSS,
    command: 'train',
    createdAt: XSS,
    model: { n: XSS, filters: XSS, skip: true },
    data: { dataset: XSS, train: XSS },
  });
  writeJson(join(dir, RUN_FILES.history), {
    iterations: [{ iteration: 1, nImages: 8, loss: 1, learningRate: 0.1 }],
    epochs: [
      {
        epoch: 1,
        trainAcc: 0.5,
        valAcc: 0.5,
        meanLoss: 1,
        imagesPerSecond: 1,
        learningRate: 0.1,
        seconds: 1,
      },
    ],
  });
  writeJson(join(dir, RUN_FILES.results), {
    split: XSS,
    count: 2,
    top1: 0.5,
    top5: 1,
    classNames: [XSS, 'b'],
    confusion: [
      [1, 0],
      [1, 0],
    ],
    perClassAccuracy: [1, 0],
  });
  mkdirSync(join(dir, RUN_FILES.figures, 'x'), { recursive: true });
  writeFileSync(
    join(dir, RUN_FILES.figures, 'x', '0000.png'),
    encodePng({ width: 1, height: 1, data: new Uint8ClampedArray([1, 2, 3, 255]) }),
  );
  writeJson(join(dir, RUN_FILES.figures, 'x.json'), {
    name: 'x',
    title: XSS,
    description: XSS,
    layout: 'gallery',
    items: [{ file: figureFile, caption: XSS, tone: 'good' }],
  });
  return dir;
}

describe('a report of crafted run folders', () => {
  it('escapes every value it embeds', async () => {
    const out = join(tmp, 'escaped.html');
    await writeReport([craftedRun()], out);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('embeds figures only from inside the run folder', async () => {
    for (const file of ['../../../../../../etc/passwd', '/etc/passwd']) {
      const dir = craftedRun(file);
      await expect(writeReport([dir], join(tmp, 'out.html'))).rejects.toThrow(
        /figure picture '.*etc\/passwd' is outside .*figures/,
      );
    }
    const linked = craftedRun('x/link.png');
    symlinkSync('/etc/passwd', join(linked, RUN_FILES.figures, 'x', 'link.png'));
    await expect(writeReport([linked], join(tmp, 'out.html'))).rejects.toThrow(
      /figure picture 'x\/link\.png' is outside/,
    );
  });

  it('names the file of a malformed run folder', async () => {
    const cases: [string, unknown, RegExp][] = [
      [RUN_FILES.history, { iterations: 'many', epochs: [] }, /history\.json: 'iterations' is not a list/],
      [
        RUN_FILES.history,
        { iterations: [], epochs: [{ valAcc: XSS }] },
        /history\.json: epochs\[0\]\.valAcc is not a number/,
      ],
      [
        RUN_FILES.results,
        { split: 'test', count: 1, top1: 1, top5: 1, classNames: ['a'], confusion: [[XSS]], perClassAccuracy: [1] },
        /results\.json: 'confusion' is not a 1×1 table of numbers/,
      ],
      [
        join(RUN_FILES.figures, 'x.json'),
        { name: 'x', title: 't', layout: XSS, items: [] },
        /x\.json: 'layout' is not single, gallery or rows/,
      ],
      [
        join(RUN_FILES.figures, 'x.json'),
        { name: 'x', title: 't', layout: 'gallery', items: [{ file: 'x/0000.png', tone: XSS }] },
        /x\.json: items\[0\]\.tone is not good or bad/,
      ],
      [RUN_FILES.config, [], /config\.json is not a JSON object/],
    ];
    for (const [file, value, message] of cases) {
      const dir = craftedRun();
      writeJson(join(dir, file), value);
      await expect(writeReport([dir], join(tmp, 'out.html'))).rejects.toThrow(message);
    }
    const dir = craftedRun();
    writeFileSync(join(dir, RUN_FILES.history), '{"iterations": [');
    await expect(writeReport([dir], join(tmp, 'out.html'))).rejects.toThrow(/history\.json is not valid JSON/);
  });
});
