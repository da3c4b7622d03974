/**
 * What went wrong or was changed in a fit, for the page to show next to the table: separation
 * (with the remedies that apply), aliased (collinear) columns and the data columns behind them,
 * the fits' warnings, rows dropped for missing values.
 */
import type { Diagnostics, ModelSpec } from '../protocol.js';
import type { Fits, PreparedDesign } from './model.js';

/**
 * The λ offered first for ridge: a penalty (λ/2)‖β‖² of λ = 1 is what one extra observation's
 * worth of curvature per coefficient gives, small beside any data set worth fitting, yet enough
 * to make every coefficient finite on separated data.
 */
export const SUGGESTED_RIDGE_LAMBDA = 1;

/** The diagnostics of `fits` (see Diagnostics in protocol.ts). */
export function diagnosticsOf(fits: Fits, prepared: PreparedDesign, spec: ModelSpec): Diagnostics {
  const all = [fits.logistic, fits.softmax].filter((fit) => fit !== null);
  const warnings = [...new Set(all.flatMap((fit) => fit.warnings))];
  const separated = all.find((fit) => fit.separation !== null);
  const K = prepared.classes.length;
  const aliased = [...new Set(all.flatMap((fit) => fit.aliased))];
  const { names } = prepared.design;
  const aliasedColumns = [...new Set(aliased.map((name) => prepared.columnOf[names.indexOf(name)]).filter((c): c is string => c !== undefined))];
  return {
    separation: separated
      ? {
          message: separated.warnings.find((w) => /separat/i.test(w)) ?? (separated.warnings.join(' ') || `the data are ${separated.separation!.kind}ly separated`),
          remedies: K === 2 ? ['firth', 'ridge'] : ['ridge'],
          suggestedLambda: SUGGESTED_RIDGE_LAMBDA,
        }
      : null,
    aliased,
    aliasedColumns,
    warnings,
    droppedRows: prepared.design.droppedRows,
    remedy: spec.remedy ?? null,
  };
}
