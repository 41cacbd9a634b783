// `edgeml run` checks every module message against its output's contract: counts and the first problem per output;
// outputs without a contract are not checked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createContractChecker } from '../../dist/local/contract-check.js';

const ir = {
  modules: [
    {
      name: 'sensor',
      contracts: { temp: { origin: 'inline', schema: { type: 'object', required: ['t'], properties: { t: { type: 'number' } } } } },
    },
    { name: 'cam', contracts: {} },
  ],
};
const message = (module, output, body) => ({
  module,
  output,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  properties: {},
  contentType: 'application/json',
  contentEncoding: 'utf-8',
});

test('violations are counted per output with the first problem; outputs without a contract pass', () => {
  const checker = createContractChecker(ir);
  checker.check(message('sensor', 'temp', { t: 21.5 }));
  checker.check(message('sensor', 'temp', { t: 'warm' }));
  checker.check(message('sensor', 'temp', {}));
  checker.check(message('sensor', 'temp', 'not json'));
  checker.check(message('cam', 'frames', { anything: true }));
  checker.check(message('sensor', 'other', { t: 'x' }));
  assert.equal([...checker.bySource], [['sensor.temp', { count: 3, problem: 't: must be number', generated: false }]]);
});

test.run();
