import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

runCheckCases('host-port-collision', {
  valid: [
    BASE_SPEC,
    editSpec(
      ['    port: 8080\n', '    port: 8080\n    ports: ["8080:8080", "8081:8080/udp"]\n'],
      ['    output: frames\n', '    output: frames\n    ports: ["127.0.0.1:9000:80", 5000]\n'],
    ),
  ],
  invalid: [
    {
      name: 'same host port twice',
      text: editSpec(
        ['    port: 8080\n', '    port: 8080\n    ports: ["8080:8080"]\n'],
        ['    output: frames\n', '    output: frames\n    ports: ["8080:5012"]\n'],
      ),
      errors: [{ messageId: 'collision', at: '"8080:5012"' }],
    },
    {
      name: 'edgeHub port',
      text: editSpec(['    port: 8080\n', '    port: 8080\n    ports: ["443:8080"]\n']),
      errors: [{ messageId: 'edgeHubPort', at: '"443:8080"' }],
    },
    {
      name: 'object form collides',
      text: editSpec(
        ['    port: 8080\n', '    port: 8080\n    ports: [{ container: 8080, host: 9000 }]\n'],
        ['    output: frames\n', '    output: frames\n    ports: ["9000:80"]\n'],
      ),
      errors: [{ messageId: 'collision', at: '"9000:80"' }],
    },
    {
      name: 'container port twice',
      text: editSpec(['    port: 8080\n', '    port: 8080\n    ports: [5000, 5000]\n']),
      errors: [{ messageId: 'duplicateContainerPort', at: '5000]' }],
    },
  ],
});
