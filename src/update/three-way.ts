// Three-way merge of one text file, line by line: the user's version and the template's new
// version, both derived from the base (what was generated before). The diff3 algorithm is
// node-diff3's (bundled); this module only splits lines and writes git-style conflict markers.

import { diff3Merge } from 'node-diff3';

export interface MergeLabels {
  /** After `<<<<<<< `: the user's side. */
  ours: string;
  /** After `>>>>>>> `: the template's side. */
  theirs: string;
}

export interface MergeResult {
  text: string;
  /** How many conflicting sections the text holds (0: a clean merge). */
  conflicts: number;
}

/**
 * Merges `ours` and `theirs` against `base`. Changes on both sides to the same or adjacent
 * lines are a conflict (as in git), written as
 *   <<<<<<< ours-label / the user's lines / ======= / the template's lines / >>>>>>> theirs-label
 * Both sides making the same change is not a conflict. Texts use '\n' line ends.
 */
export function mergeThreeWay(ours: string, base: string, theirs: string, labels: MergeLabels): MergeResult {
  const regions = diff3Merge(ours.split('\n'), base.split('\n'), theirs.split('\n'), { excludeFalseConflicts: true });
  const lines: string[] = [];
  let conflicts = 0;
  for (const region of regions) {
    if (region.ok) lines.push(...region.ok);
    else if (region.conflict) {
      conflicts++;
      lines.push(`<<<<<<< ${labels.ours}`, ...region.conflict.a, '=======', ...region.conflict.b, `>>>>>>> ${labels.theirs}`);
    }
  }
  return { text: lines.join('\n'), conflicts };
}
