// ruff, the project's linter and formatter (--lint, on by default): its settings in
// pyproject.toml, scripts/lint (what CI and a developer run) and .pre-commit-config.yaml
// (./templates/). The generated code passes them for every combination of options; our own
// checks run the same ruff over every project (tests/support/field-checkers.ts).

import { PINS, PRE_COMMIT_HOOKS } from '../../engine/versions.js';
import { PYTHON_VERSIONS } from '../../options/values.js';
import type { Feature } from '../types.js';

export const lintFeature: Feature<LintData, 'lint'> = {
  layer: 'lint',
  chosen: ({ options }) => options.lint,
  contextKey: 'lint',
  data: lintData,
  devRequirements: [PINS.ruff],
};

/** The longest line ruff format writes and `E501` allows. */
export const LINE_LENGTH = 120;

/**
 * The rule sets added to ruff's defaults (extend-select): pycodestyle (E, W), import
 * order (I), bugbear (B), pyupgrade (UP), simplify (SIM) and ruff's own (RUF). Security rules
 * are bandit's, which the project's pyproject.toml configures as well.
 */
export const RUFF_RULES = ['E', 'W', 'F', 'I', 'B', 'UP', 'SIM', 'RUF'] as const;

export const PRE_COMMIT = PRE_COMMIT_HOOKS;

/** What lint's templates and slot contributions print, as the render context's `lint`. */
export interface LintData {
  lineLength: number;
  rules: readonly string[];
  /** ruff's target-version: the oldest Python the lock allows, not the image's (the code runs on every one). */
  targetVersion: string;
  preCommit: typeof PRE_COMMIT;
}

export function lintData(): LintData {
  return { lineLength: LINE_LENGTH, rules: RUFF_RULES, targetVersion: `py${PYTHON_VERSIONS[0].replace('.', '')}`, preCommit: PRE_COMMIT };
}
