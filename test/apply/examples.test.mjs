// Runs examples.suite.mjs in a child process that trusts the Azure fixtures' certificate (see fixtures/azure/tls.mjs).
import { runTrusted } from '../fixtures/azure/tls.mjs';

await runTrusted(new URL('./examples.suite.mjs', import.meta.url));
