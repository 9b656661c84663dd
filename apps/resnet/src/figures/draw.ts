import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageGrid } from '../images/grid.js';
import { encodePng } from '../images/png.js';
import { type RgbaImage, upscale } from '../images/rgba.js';
import { type ImageArray, type Scaling, toRgbaImages } from '../images/to-rgba.js';
import { type Figure, RUN_FILES, writeFigure } from '../run/run-folder.js';

/**
 * The image figures of a run, each written into the run folder (PNG files + a JSON caption
 * list) by training or by the saliency/fool commands, and inlined by the report.
 */

/** Enlargement that brings a picture to about 96 pixels, so small inputs stay readable. */
function zoom(side: number): number {
  return Math.max(1, Math.round(96 / side));
}

const enlarge = (img: RgbaImage) => upscale(img, zoom(Math.max(img.width, img.height)));

const TONES: Record<'good' | 'bad', [number, number, number]> = { good: [46, 157, 91], bad: [210, 69, 59] };

interface Picture {
  image: RgbaImage;
  caption?: string;
  tone?: 'good' | 'bad';
}

/**
 * Writes a figure of captioned pictures: each picture as its own PNG (the report puts the
 * captions under them as text), and all of them tiled into figures/<name>.png (frames show
 * the tone: green right, red wrong) for use outside the report.
 */
function saveFigure(runDir: string, figure: Omit<Figure, 'items'>, pictures: Picture[]): Figure {
  const saved = writeFigure(
    runDir,
    figure,
    pictures.map((p) => ({ png: encodePng(p.image), caption: p.caption, tone: p.tone })),
  );
  if (
    pictures.length > 1 &&
    pictures.every((p) => p.image.width === pictures[0].image.width && p.image.height === pictures[0].image.height)
  ) {
    const grid = imageGrid(
      pictures.map((p) => p.image),
      {
        gap: 4,
        columns: figure.layout === 'rows' ? figure.rowLength : undefined,
        frames: pictures.map((p) => (p.tone ? TONES[p.tone] : null)),
      },
    );
    writeFileSync(join(runDir, RUN_FILES.figures, `${figure.name}.png`), encodePng(grid));
  }
  return saved;
}

export function augmentedInputsFigure(
  runDir: string,
  batch: ImageArray,
  labels: ArrayLike<number>,
  classNames: string[],
  display: { scaling?: Scaling } = {},
): Figure {
  const tiles = toRgbaImages(batch, display);
  return saveFigure(
    runDir,
    {
      name: 'augmented-inputs',
      title: 'Augmented training inputs',
      description: 'Training images after augmentation, as the network sees them before standardisation.',
      layout: 'gallery',
    },
    tiles.map((t, i) => ({ image: enlarge(t), caption: classNames[labels[i]] ?? String(labels[i]) })),
  );
}

/** First-layer filters [F, C, kH, kW] as one grid (RGB when C = 3, grey otherwise). */
export function filtersFigure(runDir: string, weight: ImageArray): Figure {
  const [f, c, kh, kw] = weight.shape;
  const shown = c === 3 || c === 1 ? weight : { data: weight.data, shape: [f * c, 1, kh, kw] };
  const grid = imageGrid(toRgbaImages(shown), {
    scale: Math.max(4, Math.round(48 / kh)),
    gap: 3,
    columns: Math.min(16, shown.shape[0]),
  });
  return writeFigure(
    runDir,
    {
      name: 'first-layer-filters',
      title: 'First-layer filters',
      description: `The ${f} ${kh}×${kw} filters of the first convolution${c === 3 ? ' (as RGB)' : c === 1 ? '' : ` (each of the ${c} input channels separately)`}.`,
      layout: 'single',
    },
    [{ png: encodePng(grid) }],
  );
}

export interface Misclassified {
  index: number;
  label: number;
  top: number;
  topProbability: number;
  second: number;
  secondProbability: number;
}

/** `wrong` are the pictures shown (in `images`), `totalWrong` how many there were, of `total`. */
export function misclassifiedFigure(
  runDir: string,
  images: ImageArray,
  wrong: Misclassified[],
  classNames: string[],
  total: number,
  totalWrong = wrong.length,
): Figure {
  const tiles = wrong.length ? toRgbaImages(images, { scaling: { lo: 0, hi: 255 } }) : [];
  const name = (k: number) => classNames[k] ?? String(k);
  return saveFigure(
    runDir,
    {
      name: 'misclassified',
      title: `Misclassified validation images (${totalWrong} of ${total})`,
      description:
        totalWrong === 0
          ? 'The final model classifies every validation image correctly.'
          : `${totalWrong > wrong.length ? `The first ${wrong.length} of the ${totalWrong} validation images` : 'Every validation image'} the final model gets wrong, with the true class, the top prediction and the second prediction (and their probabilities).`,
      layout: 'gallery',
    },
    wrong.map((m, i) => ({
      image: enlarge(tiles[i]),
      caption: `#${m.index} true ${name(m.label)}\ntop ${name(m.top)} ${(100 * m.topProbability).toFixed(0)}%\n2nd ${name(m.second)} ${(100 * m.secondProbability).toFixed(0)}%`,
      tone: 'bad' as const,
    })),
  );
}

interface SaliencyRow {
  index: number;
  label: number;
  probability: number;
}

/** Rows of image | saliency map. `maps` is [N, H, W]. */
export function saliencyFigure(
  runDir: string,
  images: ImageArray,
  maps: ImageArray,
  rows: SaliencyRow[],
  classNames: string[],
): Figure {
  const pics = toRgbaImages(images, { scaling: { lo: 0, hi: 255 } });
  const [n, h, w] = maps.shape;
  const heat = toRgbaImages({ data: maps.data, shape: [n, 1, h, w] }, { colormap: 'heat' });
  return saveFigure(
    runDir,
    {
      name: 'saliency',
      title: 'Saliency maps',
      description:
        'Each validation image and the magnitude of the gradient of its loss w.r.t. the pixels (largest over channels): bright pixels move the decision most.',
      layout: 'rows',
      rowLength: 2,
    },
    rows.flatMap((r, i) => [
      {
        image: enlarge(pics[i]),
        caption: `#${r.index} ${classNames[r.label] ?? r.label} (p=${r.probability.toFixed(2)})`,
      },
      { image: enlarge(heat[i]), caption: 'saliency' },
    ]),
  );
}

export interface FoolingRow {
  from: 'image' | 'noise';
  startClass: number | null;
  target: number;
  startProbability: number;
  probability: number;
  steps: number;
  success: boolean;
  /** [1, C, H, W] each. */
  original: ImageArray;
  distortion: ImageArray;
  result: ImageArray;
}

/** Rows of original | distortion | result, with the confidences. */
export function foolingFigure(
  runDir: string,
  rows: FoolingRow[],
  classNames: string[],
  pixels: Scaling = 'minmax',
): Figure {
  const name = (k: number) => classNames[k] ?? String(k);
  return saveFigure(
    runDir,
    {
      name: 'fooling',
      title: 'Fooling images',
      description:
        'Gradient steps on the input until the model gives the target class with the required confidence, from a correctly classified image and from random noise. The distortion is shown with zero as white, positive red and negative blue.',
      layout: 'rows',
      rowLength: 3,
    },
    rows.flatMap((r) => {
      const [orig] = toRgbaImages(r.original, { scaling: pixels });
      const [dist] = toRgbaImages(r.distortion, {
        scaling: 'symmetric',
        colormap: r.distortion.shape[1] === 1 ? 'diverging' : 'gray',
      });
      const [res] = toRgbaImages(r.result, { scaling: pixels });
      const tone = r.success ? ('good' as const) : ('bad' as const);
      return [
        {
          image: enlarge(orig),
          caption:
            r.from === 'noise'
              ? 'random noise'
              : `original: ${name(r.startClass!)}\np(${name(r.target)})=${r.startProbability.toFixed(3)}`,
        },
        { image: enlarge(dist), caption: `distortion\n${r.steps} steps` },
        {
          image: enlarge(res),
          caption: `result: p(${name(r.target)})=${r.probability.toFixed(3)}${r.success ? '' : '\n(threshold not reached)'}`,
          tone,
        },
      ];
    }),
  );
}
