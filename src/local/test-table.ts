// Formats `edgeml test` results as a plain-text table: one block per image with its predictions (top labels with
// scores, or detections with boxes) and its latency split. Local stage; pure, so tests can read its output.

export interface ScoredImage {
  /** As shown to the user (spec-relative sample path or the --image argument). */
  file: string;
  predictions?: {
    label: string;
    score: number;
    box?: { left: number; top: number; width: number; height: number };
    /** Text regions: the quadrilateral in image pixels. */
    quad?: [number, number][];
    /** Cascades: each later stage's predictions for this region. */
    stages?: Record<string, { predictions: { label: string; score: number; text?: string }[]; rotated?: number }>;
  }[];
  size?: { width: number; height: number };
  timings?: { readMs: number; preprocessMs: number; inferenceMs: number; postprocessMs: number; totalMs: number };
  error?: string;
}

const MAX_ROWS = 10;

const pad = (text: string, width: number): string => (text.length >= width ? text + ' ' : text + ' '.repeat(width - text.length));
const ms = (v: number): string => v.toFixed(1).padStart(7);

export function formatTestTable(images: readonly ScoredImage[], task: 'image-classification' | 'object-detection'): string {
  const fileWidth = Math.min(48, Math.max(5, ...images.map((i) => i.file.length)) + 2);
  const labelWidth = Math.min(32, Math.max(10, ...images.flatMap((i) => (i.predictions ?? []).map((p) => p.label.length))) + 2);
  const what = task === 'object-detection' ? 'detection' : 'prediction';
  const lines: string[] = [];
  lines.push(
    `${pad('image', fileWidth)}${pad(what, labelWidth)}${'score'.padStart(7)}${task === 'object-detection' ? '  box (left, top, width, height)' : ''}`,
  );
  for (const image of images) {
    if (image.error) {
      lines.push(`${pad(image.file, fileWidth)}error: ${image.error}`);
      continue;
    }
    const predictions = image.predictions ?? [];
    if (predictions.length === 0)
      lines.push(
        `${pad(image.file, fileWidth)}${task === 'object-detection' ? '(no detections above the threshold)' : '(no prediction above the threshold)'}`,
      );
    predictions.slice(0, MAX_ROWS).forEach((p, i) => {
      const box = p.box ? `  ${[p.box.left, p.box.top, p.box.width, p.box.height].map((v) => v.toFixed(3)).join(', ')}` : '';
      lines.push(`${pad(i === 0 ? image.file : '', fileWidth)}${pad(p.label, labelWidth)}${p.score.toFixed(4).padStart(7)}${box}`);
      if (p.stages) lines.push(`${pad('', fileWidth)}  ↳ ${describeStages(p.stages)}`);
    });
    if (predictions.length > MAX_ROWS) lines.push(`${pad('', fileWidth)}… ${predictions.length - MAX_ROWS} more`);
    const t = image.timings;
    if (t) {
      const size = image.size ? `${image.size.width}x${image.size.height}, ` : '';
      lines.push(
        `${pad('', fileWidth)}${size}ms: read ${ms(t.readMs).trim()}, decode+preprocess ${ms(t.preprocessMs).trim()}, inference ${ms(t.inferenceMs).trim()}, postprocess ${ms(t.postprocessMs).trim()}, total ${ms(t.totalMs).trim()}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** One line for a region's cascade results: each stage's top prediction, its turn, and text in quotes. */
function describeStages(stages: NonNullable<NonNullable<ScoredImage['predictions']>[number]['stages']>): string {
  return Object.entries(stages)
    .map(([name, stage]) => {
      const top = stage.predictions[0];
      const what = !top
        ? '(nothing)'
        : top.text !== undefined
          ? `"${top.text}" (${top.score.toFixed(3)})`
          : `${top.label} (${top.score.toFixed(3)})`;
      return `${name}: ${what}${stage.rotated ? `, turned ${stage.rotated}°` : ''}`;
    })
    .join(' · ');
}
