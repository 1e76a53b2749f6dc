/**
 * What train adds for a credit-risk team once the network is fitted: the cut-off (chosen on the validation part, never
 * the test part), characteristic references and PSI, the approval trade-off, and how much weight protected features
 * carry — kept out of train.ts so that the training job reads in one screen.
 */
import {
  approvalCurve,
  characteristicReferences,
  characteristicStability,
  chooseCutoff,
  parseCutoff,
  trainingRowsBeforeSmote,
  type ApprovalPoint,
  type CharacteristicReference,
  type CharacteristicStability,
  type Cutoff,
  type Dataset,
  type PreparedTable,
} from '../../index.js';
import { calibrateProbabilities, type Calibration } from '../../metrics/calibration-map.js';
import { decodeModel } from '../../io/model-file.js';
import { Scorer } from '../../score/index.js';
import type { Parsed } from '../args.js';
import { UsageError } from '../errors.js';

/** The scorecard scaling train stores: --pdo, --base-score, --base-odds. */
export function scalingOption(o: Parsed): { pdo: number; baseScore: number; baseOdds: number } {
  return { pdo: o.pdo as number, baseScore: o['base-score'] as number, baseOdds: o['base-odds'] as number };
}

/**
 * The decision threshold from --cutoff (a number, approval:RATE or cost:FN=…,FP=…) or --threshold (0.5 by default),
 * chosen on the validation part's probabilities (calibrated as the scorers give them) or, without one, the training
 * rows' — never the test part, whose metrics then stay honest.
 */
export function chooseTrainingCutoff(
  o: Parsed,
  prep: PreparedTable,
  probabilities: (d: Dataset) => Float32Array,
): { cutoff: Cutoff; chosenOn: 'validation part' | 'training part' | null } {
  if (o.cutoff !== undefined && o.threshold !== undefined)
    throw new UsageError('train: give --cutoff or --threshold, not both (--cutoff 0.3 is --threshold 0.3)');
  const rule = o.cutoff !== undefined ? parseCutoff(o.cutoff as string) : { rule: 'threshold' as const, threshold: (o.threshold as number | undefined) ?? 0.5 };
  if (rule.rule === 'threshold') return { cutoff: chooseCutoff(rule, [], []), chosenOn: null };
  const part = prep.validation ?? trainingRowsBeforeSmote(prep);
  return { cutoff: chooseCutoff(rule, part.y, probabilities(part)), chosenOn: prep.validation ? 'validation part' : 'training part' };
}

/** The risk-team outputs of a trained model on its training (reference) and test parts. */
export interface RiskOutputs {
  characteristics: CharacteristicReference[];
  /** Each feature's PSI, test part against the training part, largest first. */
  stability: CharacteristicStability[];
  /** Approval rate against bad rate on the test part. */
  approval: ApprovalPoint[];
}

/** Characteristic references (training part before SMOTE), their PSI on the test part, and the approval curve. */
export function riskOutputs(prep: PreparedTable, testProbabilities: Float32Array): RiskOutputs {
  const blocks = prep.preprocessor.featureBlocks();
  const training = trainingRowsBeforeSmote(prep);
  const characteristics = characteristicReferences(blocks, training.x, training.rows, training.cols);
  return {
    characteristics,
    stability: characteristicStability(characteristics, blocks, prep.test.x, prep.test.rows, prep.test.cols),
    approval: approvalCurve(prep.test.y, testProbabilities),
  };
}

/** How often a protected feature would have been a top-`k` reason code on the test part, were it not protected. */
export interface ProtectedWeight {
  feature: string;
  /** Test rows where it would be among the top k reasons. */
  topReasonRows: number;
  rows: number;
  k: number;
}

/**
 * For each protected feature, the test rows where it would be a top-3 reason code without protection: protection
 * hides it from adverse-action notices, but the probability still uses it — this says how much.
 */
export function protectedWeights(modelBytes: Uint8Array, test: Dataset, protectedFeatures: readonly string[], k = 3): ProtectedWeight[] {
  if (protectedFeatures.length === 0) return [];
  const scorer = new Scorer(decodeModel(modelBytes), { protected: [], engine: 'js' });
  const ranked = scorer.reasonsEncoded(test.x, test.rows, k);
  return protectedFeatures.map((feature) => ({
    feature,
    topReasonRows: ranked.filter((r) => r?.some((reason) => reason.feature === feature)).length,
    rows: test.rows,
    k,
  }));
}

/** The probabilities the scorers give for a dataset: the network's, calibrated when the model has a calibration. */
export function scoredBy(predict: (x: Float32Array, rows: number) => Float32Array, calibration: Calibration | null): (d: Dataset) => Float32Array {
  return (d) => calibrateProbabilities(predict(d.x, d.rows), d.rows, calibration);
}
