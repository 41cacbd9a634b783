// Runs remote-model-e2e.suite.mjs in a child process that trusts the Azure fixtures' certificate (see fixtures/azure/tls.mjs).
import { runTrusted } from '../fixtures/azure/tls.mjs';

await runTrusted(new URL('./remote-model-e2e.suite.mjs', import.meta.url));
