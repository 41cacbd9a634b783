// Runs fetch-url.suite.mjs in a child process that trusts the fixtures' throwaway certificate (see fixtures/azure/tls.mjs).
import { runTrusted } from '../fixtures/azure/tls.mjs';

await runTrusted(new URL('./fetch-url.suite.mjs', import.meta.url));
