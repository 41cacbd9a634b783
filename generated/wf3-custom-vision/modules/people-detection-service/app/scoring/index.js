// Public entry of the scoring runtime for in-process use (`edgeml test` / `run`): the scorer, the server, the config
// type and validator. Runtime stage (scoring); importing it loads sharp, and onnxruntime-node on first createScorer.
export { createScorer, } from './scorer.js';
export { createScoringServer } from './server.js';
export { startScoringService, readScoringConfig, StartupError } from './service.js';
export { validateScoringConfig, ScoringConfigError } from './config.js';
export { toCustomVisionAnswer, toAzureMlAnswer } from './responses.js';
export { ModelLoadError } from './session.js';
