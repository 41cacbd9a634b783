// Builds a deterministic synthetic CNN classifier for the scoring benchmark (no download): 224x224 RGB input, four
// stages of two 3x3 convolutions with ReLU (the first with stride 2; 32-64-128-256 channels), global average pooling,
// 256 class scores. About 1.4 GFLOP per image: a stand-in for a real model next to the tiny PaddleOCR classifier.
import { buildModel, valueInfo, node, tensor, FLOAT } from '../test/helpers/onnx-builder.mjs';

/** Small deterministic PRNG (mulberry32) so the weights, and so the benchmark, are the same on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticCnn({ size = 224, channels = [32, 64, 128, 256] } = {}) {
  const next = random(42);
  const nodes = [];
  const initializers = [];
  let input = 'image';
  let inChannels = 3;
  const conv = (name, out, stride) => {
    const fanIn = inChannels * 9;
    const weights = Array.from({ length: out * fanIn }, () => (next() * 2 - 1) * Math.sqrt(6 / fanIn));
    initializers.push(
      tensor(`${name}_w`, FLOAT, [out, inChannels, 3, 3], weights),
      tensor(`${name}_b`, FLOAT, [out], new Array(out).fill(0.01)),
    );
    nodes.push(
      node('Conv', [input, `${name}_w`, `${name}_b`], [name], { kernel_shape: [3, 3], strides: [stride, stride], pads: [1, 1, 1, 1] }),
    );
    nodes.push(node('Relu', [name], [`${name}_relu`]));
    input = `${name}_relu`;
    inChannels = out;
  };
  channels.forEach((out, i) => {
    conv(`stage${i}a`, out, 2);
    conv(`stage${i}b`, out, 1);
  });
  nodes.push(node('GlobalAveragePool', [input], ['pooled']));
  nodes.push(node('Flatten', ['pooled'], ['scores'], { axis: 1 }));
  return buildModel({
    inputs: [valueInfo('image', FLOAT, ['batch', 3, size, size])],
    outputs: [valueInfo('scores', FLOAT, ['batch', inChannels])],
    nodes,
    initializers,
  });
}
