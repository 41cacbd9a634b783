// Benchmark: fleet rollouts on a simulated 100-device fleet (IoT Hub fixture, real azure-iothub SDK), one row per
// scenario with its outcome, rings passed, IoT Hub REST calls and the mutating ones, and the calls as a ratio to an
// all-at-once apply of the same update measured in the same run. Needs the fixture certificate, so the scenarios
// run in a child process started through runTrusted.
// Usage: node bench/rollout.mjs [devices=100]
import { runTrusted } from '../test/fixtures/azure/tls.mjs';

await runTrusted(new URL('./rollout-scenarios.mjs', import.meta.url), { EDGEML_BENCH_DEVICES: process.argv[2] ?? '100' });
