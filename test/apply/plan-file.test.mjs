// Runs plan-file.suite.mjs in a child process that trusts the Azure fixtures' throwaway certificate (see fixtures/azure/tls.mjs).
import { runTrusted } from '../fixtures/azure/tls.mjs';

await runTrusted(new URL('./plan-file.suite.mjs', import.meta.url));
