// $body queries checked against edgeHub's behaviour on a nested JSON body (numbers, strings, bools, null, arrays,
// objects, an ISO date) with application properties that shadow body paths. T/F/U = true/false/undefined.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCondition, evaluateConditionResult, parseCondition } from '../../dist/routes/index.js';

const body = {
  message: {
    Weather: {
      Temperature: 50,
      FreezingTemperature: -50.4,
      PreciseTemperature: 50.4,
      Shadowed: 50,
      NullValue: null,
      Time: '2017-03-09T00:00:00.000Z',
      PrevTemperatures: [20, 30, 40],
      IsEnabled: true,
      IsDisabled: false,
      Location: { Street: 'One Microsoft Way', City: 'Redmond', State: 'WA' },
      HistoricalData: [
        { Month: 'Feb', Temperature: 40 },
        { Month: 'Jan', Temperature: 30 },
      ],
    },
  },
};

const message = {
  body: new TextEncoder().encode(JSON.stringify(body)),
  properties: { City: 'Redmond', $State: 'WA', '$body.message.Weather.Shadowed': '100' },
  systemProperties: { State: 'CA', contentEncoding: 'UTF-8', contentType: 'application/json' },
};

const W = '$body.message.Weather';
const EXPECTED = {
  T: [
    `50 >= ${W}.Temperature`,
    '$BODY.message.Weather.Temperature >= 50',
    '$bODy.message.Weather.Temperature = 50',
    `${W}.Temperature = 40 + 10`,
    `${W}.Temperature >= ${W}.PrevTemperatures[0] + ${W}.PrevTemperatures[1]`,
    `${W}.PrevTemperatures[1] * ${W}.PrevTemperatures[2] = 1200`,
    `${W}.PrevTemperatures[1] / ${W}.PrevTemperatures[0] = 1.5`,
    `${W}.HistoricalData[0].Temperature - 10 = ${W}.HistoricalData[1].Temperature`,
    `${W}.HistoricalData[0].Month = 'Feb'`,
    `${W}.Temperature <> '100'`,
    `${W}.Location.City = City`,
    `${W}.Location.State = $State`,
    `${W}.Location.State <> ${W}.Location.City`,
    `${W}.IsEnabled`,
    `${W}.IsDisabled <> true`,
    `NOT ${W}.IsDisabled`,
    `${W}.InvalidKey <> '100'`,
    `${W}.IsEnabled AND ${W}.IsEnabled`,
    `${W}.IsDisabled OR NOT(${W}.IsDisabled)`,
    `${W}.Shadowed = '100'`,
    `as_number(${W}.Shadowed) = 100`,
    `{${W}.Shadowed} <> 100`,
    `${W}.Location.State = 'WA'`,
    `${W}.NullValue = null`,
    '$body.message.Temperature = null',
    `${W}.Temperature != null`,
    `${W}.InvalidProperty = null`,
    `NOT (${W}.InvalidProperty != null)`,
    `abs(${W}.FreezingTemperature) = 50.4`,
    `ceiling(as_number(${W}.PreciseTemperature)) = 51`,
    `concat(${W}.Location.Street, ', ', ${W}.Location.City) = 'One Microsoft Way, Redmond'`,
    `contains(${W}.Location.Street, 'Microsoft')`,
    `exp((${W}.Temperature - 49)) < (${W}.Temperature - 47)`,
    `index_of(${W}.Location.Street, 'Way') > 6`,
    `is_defined(${W}.Location.Street)`,
    `is_null(${W}.NullValue)`,
    `is_string(${W}.Location.Street)`,
    `power(${W}.Temperature, length(${W}.Location.State)) = square(${W}.Temperature)`,
    `sign(${W}.FreezingTemperature) = -1`,
    `substring(${W}.Location.Street, length(${W}.Location.Street) - 3) = 'Way'`,
    `upper(${W}.Location.Street) = 'ONE MICROSOFT WAY'`,
  ],
  F: [
    `10 >= ${W}.Temperature`,
    `${W}.Temperature = '50'`,
    `${W}.Temperature <> 40 + 10`,
    `${W}.PrevTemperatures[1] / ${W}.PrevTemperatures[0] = 3/3`,
    `${W}.Shadowed = '150'`,
    `${W}.Location.City != City`,
    `${W}.Location.State = City`,
    `${W}.Location.State = ${W}.Location.City`,
  ],
  U: [
    '$body',
    `$City <> ${W}.InvalidKey`,
    `${W}.Time <> '100'`,
    `${W} <> null`,
    `${W}.PrevTemperatures = null`,
    `${W}.Location.State = 'WA' AND $body.message.Weather.Time = 'x'`,
  ],
};

test('$body conditions evaluate like edgeHub', () => {
  const want = { T: true, F: false, U: undefined };
  for (const [label, conditions] of Object.entries(EXPECTED)) {
    for (const condition of conditions) {
      const { expr, errors } = parseCondition(condition);
      assert.equal(errors, [], `syntax errors in ${condition}`);
      assert.equal(
        checkCondition(expr, { source: 'messages' }).filter((p) => p.severity === 'error'),
        [],
        `compiles: ${condition}`,
      );
      assert.is(evaluateConditionResult(expr, message), want[label], `${condition} should be ${label}`);
    }
  }
});

test('body paths edgeHub cannot compile are errors', () => {
  for (const condition of ['$body.properties[]', '$body.properties[1:2]', '$body;@', '$body.a[-1] = 1', '$body.a[0][1] = 1']) {
    const { expr, errors } = parseCondition(condition);
    const problems = expr ? checkCondition(expr, { source: 'messages' }).filter((p) => p.severity === 'error') : errors;
    assert.ok(problems.length > 0, condition);
  }
});

test.run();
