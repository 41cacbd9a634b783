// Runs remote-model.suite.mjs in a child process that trusts the Azure fixtures' certificate (see fixtures/azure/tls.mjs).
import { runTrusted } from '../fixtures/azure/tls.mjs';

await runTrusted(new URL('./remote-model.suite.mjs', import.meta.url));
