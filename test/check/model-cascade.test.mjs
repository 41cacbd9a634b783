import { runCheckCases } from '../helpers/check-tester.mjs';
import { editSpec } from '../helpers/spec-fixtures.mjs';

/** BASE_SPEC as a text detector with the given cascade stages (YAML lines under `stages:`). */
const cascade = (stages, { format = 'text-detection', extra = '' } = {}) =>
  editSpec(
    ['task: image-classification', 'task: object-detection'],
    ['  preprocess:', `  postprocess: { format: ${format} }${extra}\n  cascade:\n    stages:\n${stages}\n  preprocess:`],
  );

const classifier = (name = 'orientation', more = '') =>
  `      - name: ${name}\n        source: { file: cls.onnx }\n        labels: ["0", "180"]\n        postprocess: { format: classification }${more}`;
const reader = (name = 'text', more = '') =>
  `      - name: ${name}\n        source: { file: rec.onnx }\n        postprocess: { format: text-recognition, characters: keys.txt }${more}`;

runCheckCases('model-cascade', {
  valid: [
    {
      name: 'detect → orient → read',
      text: cascade(`${classifier('orientation', '\n        rotate: { label: "180" }\n        crop: { padding: 0.1 }')}\n${reader()}`),
    },
    { name: 'boxes → classify', text: cascade(classifier('kind'), { format: 'boxes', extra: '' }) },
    {
      name: 'nested detection: vehicles → plates → read',
      text: cascade(
        `      - name: plates\n        source: { file: plates.onnx }\n        postprocess: { format: text-detection }\n${reader()}`,
      ),
    },
  ],
  invalid: [
    {
      name: 'first model finds no regions',
      text: editSpec(['  preprocess:', `  cascade:\n    stages:\n${classifier()}\n  preprocess:`]),
      errors: [{ messageId: 'firstFindsNoRegions', at: 'cascade' }],
    },
    {
      name: 'crop on a stage that follows a classifier',
      text: cascade(`${classifier()}\n${reader('text', '\n        crop: { padding: 0 }')}`),
      errors: [{ messageId: 'cropNotAfterRegions', at: 'crop: { padding: 0 }' }],
    },
    {
      name: 'duplicate stage names',
      text: cascade(`${classifier('step')}\n${reader('step')}`),
      errors: [{ messageId: 'duplicateStage', at: 'step', occurrence: 1 }],
    },
    {
      name: 'rotate on a reader',
      text: cascade(reader('text', '\n        rotate: { label: "180" }')),
      errors: [{ messageId: 'rotateNeedsClassifier', at: 'rotate' }],
    },
    {
      name: 'rotate label not among the labels',
      text: cascade(classifier('orientation', '\n        rotate: { label: "90" }')),
      errors: [{ messageId: 'rotateUnknownLabel', at: '"90"' }],
    },
    {
      name: 'a region stage ends the cascade',
      text: cascade(
        `${classifier()}\n      - name: words\n        source: { file: det.onnx }\n        postprocess: { format: text-detection }`,
      ),
      errors: [{ messageId: 'regionsUnread', at: 'words' }],
    },
    {
      name: 'text-recognition without characters',
      text: cascade(`      - name: text\n        source: { file: rec.onnx }\n        postprocess: { format: text-recognition }`),
      errors: [{ messageId: 'charactersMissing', at: 'text-recognition' }],
    },
    {
      name: 'maxWidth on the first model',
      text: cascade(classifier()).replace(
        'preprocess: { width: 224, height: 224, layout: NCHW }',
        'preprocess: { width: 224, height: 224, layout: NCHW, maxWidth: 900 }',
      ),
      errors: [{ messageId: 'maxWidthNotStage', at: 'maxWidth' }],
    },
    {
      name: 'maxWidth without pad-right, and below the width',
      text: cascade(
        `${reader('a', '\n        preprocess: { width: 320, height: 48, maxWidth: 900 }')}\n${reader('b', '\n        preprocess: { width: 320, height: 48, resize: pad-right, maxWidth: 100 }')}`,
      ),
      errors: [
        { messageId: 'maxWidthMisfit', at: '900' },
        { messageId: 'maxWidthMisfit', at: '100' },
      ],
    },
    {
      name: 'stage files outside the folder',
      text: cascade(
        `      - name: text\n        source: { file: ../rec.onnx }\n        postprocess: { format: text-recognition, characters: /etc/keys.txt }`,
      ),
      errors: [
        { messageId: 'unsafeStagePath', at: '../rec.onnx' },
        { messageId: 'unsafeStagePath', at: '/etc/keys.txt' },
      ],
    },
  ],
});
