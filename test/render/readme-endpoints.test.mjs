// The output README's "Scoring endpoints" table: one row per API a scoring module serves, its address inside the
// IoT Edge network (and from outside when a host port is mapped), /url's state, and the task's /score answer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderReadme } from '../../dist/render/readme/index.js';
import { makeContext, makeIR, makeScoringModule } from '../helpers/ir-fixtures.mjs';

const readme = (ir) => renderReadme(makeContext(ir))[0].content;
const endpointRows = (text) => text.split('\n').filter((l) => /^\| \S+ \| `http:\/\//.test(l));

test('one row per served API, with the module address and the host port when mapped', () => {
  const module = makeScoringModule({ ports: [{ container: 80, protocol: 'tcp', host: 8081 }] });
  module.scoring = { ...module.scoring, apis: ['azureml', 'v2'] };
  const text = readme(makeIR({ modules: [module] }));
  const rows = endpointRows(text);
  assert.is(rows.length, 2, text);
  assert.ok(
    rows.every((r) =>
      r.includes(`\`http://${module.name}:${module.scoring.port}\` from other modules; \`http://<device>:8081\` from outside`),
    ),
    rows.join('\n'),
  );
  assert.match(rows[0], /\| azureml \| `POST \/score`/);
  assert.match(rows[1], new RegExp(`\\| v2 \\| \`GET /v2/models/${module.name}\``));
});

test('the /score answer follows the task, and /url says whether it is on and from where', () => {
  const module = makeScoringModule();
  const detector = readme(
    makeIR({ task: 'object-detection', modules: [{ ...module, scoring: { ...module.scoring, apis: ['azureml', 'customvision'] } }] }),
  );
  assert.match(detector, /\[\[\{boxes, labels, scores\}\], "Computed in N ms"\]/);
  assert.match(detector, /`POST \/url` is off/);
  const fetching = readme(
    makeIR({
      modules: [
        {
          ...module,
          scoring: {
            ...module.scoring,
            apis: ['customvision'],
            urlFetch: { allow: ['camera.local', '10.0.0.0/8'], maxBytes: 1, timeoutMs: 1, maxRedirects: 0 },
          },
        },
      ],
    }),
  );
  assert.match(fetching, /only from `camera\.local`, `10\.0\.0\.0\/8`/);
});

test('no scoring module, no table', () => {
  assert.not.match(readme(makeIR({ modules: [] })), /## Scoring endpoints/);
});

test.run();
