// The only place that decides about colour: on a TTY unless NO_COLOR is set or --no-color was given;
// FORCE_COLOR (non-zero) turns it on. Uses node:util styleText.
import { styleText } from 'node:util';
import type { Paint, Style } from '../diagnostics/render.js';
import type { CliIO } from './io.js';

const STYLES: Record<Style, Parameters<typeof styleText>[0]> = {
  error: ['red', 'bold'],
  warning: ['yellow', 'bold'],
  suggestion: ['cyan'],
  location: ['cyan'],
  gutter: ['dim'],
  caret: ['red'],
  hint: ['green'],
  code: ['dim'],
  bold: ['bold'],
};

export function useColor(io: CliIO, stream: 'stdout' | 'stderr', noColorFlag = false): boolean {
  if (noColorFlag) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.TERM === 'dumb') return false;
  return io[stream].isTTY === true;
}

export function painter(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  // styleText itself honours NO_COLOR when it validates the stream; we already decided, so do not pass one.
  return (style, text) => styleText(STYLES[style], text, { validateStream: false });
}
