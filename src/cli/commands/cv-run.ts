import { crossValidate, trainingRowsBeforeSmote, type CvOptions, type FoldMetrics, type PreparedTable } from '../../index.js';
import { fitLogistic, logisticModel } from '../../train/logistic.js';
import type { Parsed } from '../args.js';
import { readCsvInput } from '../text-input.js';
import { fitRequested } from './train-fit.js';

/** Name of the reference candidate every configuration is compared with. */
export const BASELINE = 'logistic regression';

/** The folds' options and the candidates' settings as `cv` parsed them (plain data: it crosses to workers). */
export interface CvJob {
  data: string;
  options: CvOptions;
  /** The parsed command-line options (network settings shared by the configurations). */
  parsed: Parsed;
  /** Hidden-layer alternatives: one configuration each ([] is the logistic regression trained as a network would be: skipped). */
  hidden: number[][];
}

/** A configuration's display name. */
export const configName = (hidden: number[]): string => (hidden.length ? `network [${hidden.join(', ')}]` : BASELINE);

/**
 * Runs folds `only` of a cv job in this thread: the logistic baseline and each network configuration, trained as
 * `train` trains (early stopping on a validation part carved from the training folds).
 */
export async function runFolds(job: CvJob, only: number[]): Promise<Record<string, FoldMetrics[]>> {
  const { table } = await readCsvInput(job.data);
  const quiet = { ...job.parsed, quiet: true };
  const candidates: Record<string, (prep: PreparedTable) => Promise<{ predictProba(x: Float32Array, rows: number): Float32Array }>> = {
    // On the real training rows, as train's baseline (not on SMOTE's synthetic ones under --smote).
    [BASELINE]: async (prep) => logisticModel(fitLogistic(trainingRowsBeforeSmote(prep), { c: job.parsed.c as number })),
  };
  for (const hidden of job.hidden) {
    if (!hidden.length) continue; // the baseline is always there
    candidates[configName(hidden)] = async (prep) => (await fitRequested({ ...quiet, hidden }, prep, job.parsed.seed as number)).model;
  }
  return crossValidate(table, { ...job.options, only }, candidates);
}
