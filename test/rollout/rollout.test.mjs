// Ring-by-ring rollouts against the IoT Hub fixture with 100 simulated devices (the suite runs in a child process
// that trusts the fixture certificate).
import { runTrusted } from '../fixtures/azure/tls.mjs';

await runTrusted(new URL('./rollout.suite.mjs', import.meta.url));
