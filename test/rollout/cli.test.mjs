// The rollout commands end to end (plan with rings, rollout, history, rollback) in a child process that trusts the
// fixture certificate.
import { runTrusted } from '../fixtures/azure/tls.mjs';

await runTrusted(new URL('./cli.suite.mjs', import.meta.url));
