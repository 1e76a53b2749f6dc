/**
 * `hamiltonian-ai`: models, losses, optimisers, training, data, metrics and model files. Integrators are in
 * `hamiltonian-ai/integrators`, the op layer and other internals in `hamiltonian-ai/backend`, the GPU path in
 * `hamiltonian-ai/gpu`, the dependency-free scorer in `hamiltonian-ai/score`. README, "Public API", lists it all.
 * @module
 */
// Seeded randomness
export { Rng, Rng4, toRng, type RngState, type Rng4State } from './core/rng.js';
// Layers and model
export { type Parameter, type HasParameters, createParameter, zeroGrads } from './nn/parameter.js';
export { getActivation, ACTIVATIONS, LEAKY_RELU_SLOPE, type Activation, type ActivationName } from './nn/activations.js';
export { Dropout } from './nn/dropout.js';
export { Dense } from './nn/dense.js';
export {
  HamiltonianNN,
  type HamiltonianNNOptions,
  type HamiltonianNNConfig,
  type HamiltonianNNState,
  type ForwardOptions,
} from './nn/hamiltonian-nn.js';
// Losses
export { softmaxRows, logSumExp, positiveClassProbabilities } from './loss/softmax.js';
export { softmaxCrossEntropy, type CrossEntropyOptions, type CrossEntropyResult, type Labels } from './loss/cross-entropy.js';
export { hamiltonianLoss, type HamiltonianLossOptions, type HamiltonianLossResult, type Regularizer } from './loss/hamiltonian-loss.js';
// Optimisers
export { Optimizer, type BaseOptions, type Closure, type ParamGroup, type ParamGroupInput, type OptimizerState } from './optim/optimizer.js';
export { AdvancedSymplecticOptimizer, type AdvancedSymplecticOptions } from './optim/advanced-symplectic.js';
export { SymplecticOptimizer, SymplecticEuler, Leapfrog, ForestRuth, type SymplecticOptions } from './optim/symplectic.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, AdamW, type AdamOptions } from './optim/adam.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './optim/reduce-lr-on-plateau.js';
// Training
export { fit, checkFitInputs, type FitOptions } from './train/fit.js';
export { validate } from './train/validate.js';
export { EarlyStopper, type EarlyStoppingOptions } from './train/early-stopping.js';
export { monitorValue, type History, type EpochRecord, type ValidationMetrics, type Monitor } from './train/history.js';
export { fitLogistic, logisticModel, type LogisticFit, type LogisticOptions } from './train/logistic.js';
export { crossValidate, cvFolds, summarizeCv, type CvCandidate, type CvModel, type CvOptions, type FoldMetrics, type MeanSd } from './train/cv.js';
export { fitPlatt, fitIsotonic } from './train/calibration.js';
export { calibrateProbabilities, type Calibration } from './metrics/calibration-map.js';
export type { Dataset } from './core/dataset.js';
export { HamiltonianAIError, UsageError, TrainingDivergedError } from './core/errors.js';
// Metrics
export {
  rocAuc,
  rocCurve,
  prCurve,
  averagePrecision,
  ksStatistic,
  gini,
  youdenThreshold,
  thresholdForApprovalRate,
  type RocCurve,
  type PrCurve,
} from './metrics/ranking.js';
export { confusionAt, classificationReport, type Confusion, type PRF, type ClassificationReport, type ZeroDivision } from './metrics/classification.js';
export { logLoss, brierScore, calibrationBins, calibrationSummary, type CalibrationBin } from './metrics/probabilistic.js';
export { gainsTable, type GainsBand } from './metrics/gains.js';
export { approvalCurve, chooseCutoff, parseCutoff, type ApprovalPoint, type Cutoff, type CutoffRule } from './metrics/cutoff.js';
export {
  characteristicReferences,
  characteristicStability,
  characteristicValues,
  type CharacteristicReference,
  type CharacteristicStability,
  type FeatureColumns,
} from './metrics/characteristics.js';
export { psi, psiAgainst, referenceDistribution, type PsiResult, type PsiBin } from './metrics/stability.js';
export { evaluateModel, evaluateScores, type Evaluation, type EvaluateOptions, type EvaluationData, type ProbabilisticModel } from './metrics/evaluate.js';
// Data
export { DataError, ScoringError } from './data/errors.js';
export {
  parseCsv,
  CsvStreamParser,
  CsvError,
  detectDelimiter,
  recordsToTable,
  MAX_RECORD_CHARS,
  formatCsv,
  formatCsvField,
  type CsvTable,
  type CsvOptions,
  type CsvRecord,
  type Delimiter,
} from './data/csv.js';
export { columnTable, type ColumnTable, type Table, type TableColumn } from './data/column-table.js';
export { parseCsvColumns } from './data/column-reader.js';
export { StandardScaler, type StandardScalerState } from './data/scaler.js';
export {
  Preprocessor,
  parseNumber,
  DEFAULT_MISSING,
  type PreprocessorOptions,
  type PreprocessorState,
  type FeatureSpec,
  type EncodedData,
  type MissingPolicy,
  type UnseenPolicy,
} from './data/preprocessor.js';
export {
  trainTestSplit,
  kFold,
  stratifiedKFold,
  groupKFold,
  outOfTimeSplit,
  forwardChainingFolds,
  parsePeriod,
  type Split,
  type SplitOptions,
} from './data/split.js';
export { smote, type SmoteOptions, type SmoteResult } from './data/smote.js';
export {
  prepareData,
  prepareTable,
  trainingRowsBeforeSmote,
  type PrepareOptions,
  type PreparedData,
  type PrepareTableOptions,
  type PreparedTable,
} from './data/prepare.js';
// Runtime set-up (WASM)
export { resolveBackend, type BackendName, type BackendChoice, type ResolvedBackend } from './backend/registry.js';
export { detectWasm, initWasm, provideWasmModule, type WasmSupport, type WasmFlavor } from './backend/wasm/module.js';
export { welchTTest, type TwoSampleTest } from './metrics/tests.js';
// Model files and export
export {
  encodeModel,
  decodeModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelFileContent,
  type TrainingRecord,
  type SavableModel,
} from './io/model-file.js';
export { encodeSafetensors, decodeSafetensors, ModelFormatError, MAX_HEADER_BYTES, type SafetensorsContent, type TensorEntry } from './io/safetensors.js';
export { loadModel, type LoadedModelFile } from './io/load.js';
export { exportOnnx } from './io/onnx.js';
export { exportPipelineOnnx, type PipelineInput } from './io/onnx-pipeline.js';
export { DEFAULT_SCALING, exactPoints, points, scalingFactors, type ScalingFactors, type ScorecardScaling } from './metrics/scorecard.js';
// CSV in, scored CSV out (the CLI's `score` output, without files or threads)
export { scoreCsv, CsvScoring, CsvScoringStream, type CsvScoringOptions, type CsvScoreResult } from './score/csv.js';
export type { ScoreCounts } from './score/csv-stream.js';
export { VERSION } from './core/version.js';

// Deprecated root exports, kept for 0.2 only (removed in 0.3): the integrators' public names moved to
// `hamiltonian-ai/integrators`, the matrix helpers and kernel lookup to `hamiltonian-ai/backend`.
export {
  separableSystem,
  harmonicOscillator,
  pendulum,
  kepler,
  henonHeiles,
  SYSTEMS,
  createStepper,
  integrate,
  verifyIntegrator,
  measureOrder,
  energyBehavior,
  reversibilityError,
  getMethod,
  METHODS,
  METHOD_NAMES,
  type HamiltonianSystem,
  type SeparableSystem,
  type GeneralSystem,
  type Vec,
  type SystemName,
  type Stepper,
  type StepperOptions,
  type IntegrateOptions,
  type Trajectory,
  type StepFunction,
  type OrderMeasurement,
  type EnergyBehavior,
  type VerifyOptions,
  type IntegratorReport,
  type MethodName,
  type MethodInfo,
  energyBehaviour,
  type EnergyBehaviour,
} from './integrators.js';
export { matmul, matmulNT, matmulTN, getKernel, type MatmulKernel, type KernelMap, type OpName } from './backend.js';
