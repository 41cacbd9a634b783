// Public entry of the scoring runtime for in-process use (`edgeml test` / `run`): the scorer, the server, the config
// type and validator. Runtime stage (scoring); importing it loads sharp, and onnxruntime-node on first createScorer.
export {
  createScorer,
  type Scorer,
  type ScoreResult,
  type ScoreOptions,
  type Timings,
  type ModelSummary,
  type CreateScorerOptions,
} from './scorer.js';
export { createScoringServer, type ScoringServer, type ScoringServerOptions } from './server.js';
export { startScoringService, readScoringConfig, StartupError, type RunningService } from './service.js';
export { validateScoringConfig, ScoringConfigError, type ScoringConfig, type ResizeMode, type DecoderConfig } from './config.js';
export { toCustomVisionAnswer, toAzureMlAnswer, type CustomVisionAnswer, type AzureMlAnswer } from './responses.js';
export type { Prediction } from './decoders/types.js';
export type { Box } from './geometry.js';
export { ModelLoadError } from './session.js';
