import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const model = (...r) => editSpec(...r);

runCheckCases('model-decoder-task', {
  valid: [BASE_SPEC, model(['  preprocess:', '  labels: [cat, dog]\n  samples: [a.jpg]\n  expect: { label: cat }\n  preprocess:'])],
  invalid: [
    {
      name: 'detection decoder for classification',
      text: model(['  preprocess:', '  postprocess: { format: yolo-grid }\n  preprocess:']),
      errors: [{ messageId: 'decoderTask', at: 'yolo-grid' }],
    },
    {
      name: 'classification decoder for detection',
      text: model(
        ['task: image-classification', 'task: object-detection'],
        ['  preprocess:', '  postprocess: { format: classification }\n  preprocess:'],
      ),
      errors: [{ messageId: 'decoderTask', at: 'classification }' }],
    },
    {
      name: 'labels and labelsFile',
      text: model(['  preprocess:', '  labels: [a]\n  labelsFile: l.txt\n  preprocess:']),
      errors: [{ messageId: 'labelsBoth', at: 'labelsFile' }],
    },
    {
      name: 'duplicate label',
      text: model(['  preprocess:', '  labels: [cat, cat]\n  preprocess:']),
      errors: [{ messageId: 'duplicateLabel', at: 'cat]' }],
    },
    {
      name: 'duplicate label in labelsFile',
      text: model(['  preprocess:', '  labelsFile: labels.txt\n  preprocess:']),
      options: { files: { 'labels.txt': 'cat\ncat\n' } },
      errors: [{ messageId: 'duplicateLabel', at: 'labels.txt' }],
    },
    {
      name: 'expect label unknown to labelsFile',
      text: model(['  preprocess:', '  labelsFile: labels.txt\n  samples: [a.jpg]\n  expect: { label: cow }\n  preprocess:']),
      options: { files: { 'labels.txt': 'cat\ndog\n', 'a.jpg': 'x' } },
      errors: [{ messageId: 'expectUnknownLabel', at: 'cow' }],
    },
    {
      name: 'expect label unknown',
      text: model(['  preprocess:', '  labels: [cat, dog]\n  samples: [a.jpg]\n  expect: { label: cow }\n  preprocess:']),
      errors: [{ messageId: 'expectUnknownLabel', at: 'cow' }],
    },
    {
      name: 'expect without samples',
      text: model(['  preprocess:', '  expect: { minScore: 0.5 }\n  preprocess:']),
      errors: [{ messageId: 'expectWithoutSamples', at: 'expect' }],
    },
    {
      name: 'path outside the spec folder',
      text: model(['  preprocess:', '  samples: [../secret.jpg]\n  preprocess:']),
      errors: [{ messageId: 'unsafePath', at: '../secret.jpg' }],
    },
    {
      name: 'absolute path',
      text: model(['  preprocess:', '  samples: [/etc/passwd]\n  preprocess:']),
      errors: [{ messageId: 'unsafePath', at: '/etc/passwd' }],
    },
    {
      name: 'minDetections for classification',
      text: model(['  preprocess:', '  samples: [a.jpg]\n  expect: { minDetections: 1 }\n  preprocess:']),
      errors: [{ messageId: 'expectDetections', at: 'minDetections' }],
    },
    {
      name: 'boxes without output names',
      text: model(
        ['task: image-classification', 'task: object-detection'],
        ['  preprocess:', '  postprocess: { format: boxes }\n  preprocess:'],
      ),
      errors: [{ messageId: 'boxesOutputs', at: 'postprocess' }],
    },
  ],
});
