// `softlogit convert model.json --to reference|symmetric|logistic`: the same model's
// coefficients in another parameterization, with standard errors mapped exactly (A Σ Aᵀ).
import {
  classMixingMatrix, coefficientStandardErrors, convertCovariance, mixClasses, type CoefficientForm,
} from '../index.js';
import { pValues, zValues } from '../inference.js';
import { choiceOption, flag, parse, positionals, stringOption, UsageError, type OptionSpec } from './args.js';
import { labelText, matchClass } from './classes.js';
import { readJSON } from './files.js';
import { baselineView, loadModelFile } from './model.js';
import { formatCoefficientTable, formatMatrix, type Output } from './output.js';

export const CONVERT_HELP = `Usage: softlogit convert MODEL.json --to reference|symmetric|logistic [--reference LEVEL] [--json]

Prints a model's coefficients in another parameterization, with their standard errors. The model
(and its predictions) do not change; only how its coefficients are written does.

  --to reference   W with the reference class's column zero (R multinom, statsmodels MNLogit)
  --to symmetric   W with every row summing to zero (glmnet)
  --to logistic    two classes only: β = W[, modelled] − W[, reference], the glm coefficients
  --reference L    the reference class (default: the model's)
  --json           print { names, columns, coefficients, standardErrors } as JSON
  --help, -h       this text

Coefficient matrices have one row per feature and one column per class.`;

export const CONVERT_OPTIONS: OptionSpec = {
  to: { type: 'string' },
  reference: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export async function convertCommand(argv: string[], io: Output): Promise<void> {
  const args = parse(argv, CONVERT_OPTIONS, 'convert');
  if (flag(args, 'help')) {
    io.out(CONVERT_HELP + '\n');
    return;
  }
  const [modelPath] = positionals(args, ['a model file (JSON)'], 'convert') as [string];
  const to = choiceOption(args, 'to', ['reference', 'symmetric', 'logistic'] as const);
  if (to === undefined) throw new UsageError('say which form to convert to: --to reference, --to symmetric or --to logistic');
  const view = baselineView(loadModelFile(readJSON(modelPath, 'model file'), modelPath));
  const K = view.classes.length;
  const referenceText = stringOption(args, 'reference');
  if (referenceText !== undefined && to === 'symmetric') {
    throw new UsageError('--reference applies to --to reference and --to logistic; the symmetric form has no reference class');
  }
  const reference = referenceText === undefined ? view.referenceIndex : matchClass(view.classes, referenceText, '--reference');
  if (to === 'logistic' && K !== 2) {
    throw new UsageError(`--to logistic needs a model with two classes, but ${modelPath} has ${K} (${view.classes.map(labelText).join(', ')}); use --to reference`);
  }

  const positive = 1 - reference;
  const target: CoefficientForm =
    to === 'reference' ? { form: 'reference', reference } : to === 'symmetric' ? { form: 'symmetric' } : { form: 'logistic', positive, negative: reference };
  const mixing = classMixingMatrix(K, { form: 'baseline', reference: view.referenceIndex }, target);
  const coefficients = mixClasses(view.baseline, mixing);
  const p = view.names.length;
  const standardErrors = coefficientStandardErrors(convertCovariance(view.covariance, mixing), p, mixing.rows);
  const columns = to === 'logistic' ? [labelText(view.classes[positive]!)] : view.classes.map(labelText);

  if (flag(args, 'json')) {
    const result = {
      to,
      ...(to === 'symmetric' ? {} : { reference: view.classes[reference] }),
      names: view.names,
      columns,
      coefficients: coefficients.toArray(),
      standardErrors: standardErrors.toArray(),
    };
    io.out(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const ref = labelText(view.classes[reference]!);
  if (to === 'logistic') {
    const beta = coefficients.col(0);
    const se = standardErrors.col(0);
    io.out(
      `Logistic coefficients β = W[, "${columns[0]}"] − W[, "${ref}"]: log-odds of class ${columns[0]} against ${ref}\n\n` +
        formatCoefficientTable(view.names, beta, se, pValues(zValues(beta, se))) + '\n',
    );
    return;
  }
  const title =
    to === 'reference'
      ? `Coefficients W, reference form (column ${ref} is zero); rows are features, columns classes:`
      : 'Coefficients W, symmetric form (each row sums to zero); rows are features, columns classes:';
  io.out(`${title}\n${formatMatrix(coefficients, view.names, columns)}\n\nStd. Errors:\n${formatMatrix(standardErrors, view.names, columns)}\n`);
}
