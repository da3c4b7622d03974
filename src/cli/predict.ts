// `softlogit predict model.json data.csv`: code the new data the way the model's data were
// coded and write one CSV row of predictions per data row (NA where a predictor is missing).
import { newDataMatrix, SoftmaxFit, SoftlogitError, type ClassLabel, type Matrix } from '../index.js';
import { choiceOption, flag, parse, positionals, type OptionSpec } from './args.js';
import { labelText } from './classes.js';
import { readFrame, readJSON } from './files.js';
import { loadModelFile, termsOf } from './model.js';
import { csvLine, csvNumber, type Output } from './output.js';

export const PREDICT_HELP = `Usage: softlogit predict MODEL.json DATA.csv [--type prob|class|link]

Writes predictions as CSV on stdout, one row per row of DATA.csv, in order. MODEL.json is the
output of \`softlogit fit --json\`; DATA.csv needs the model's predictor columns (others are
ignored), coded as in the data it was fitted on, and its offset column if it was fitted with
--offset (added to the linear predictor, as R's predict.glm does).

  --type prob    class probabilities (default): logistic "prob" = P(modelled class);
                 multinomial one column per class
  --type class   the most probable class label
  --type link    the linear predictor: logistic "link" (log-odds); multinomial one column per class
  --quiet, -q    no notes on stderr
  --help, -h     this text

A row with a missing predictor value gets NA, like R's predict(..., na.action = na.pass).`;

export const PREDICT_OPTIONS: OptionSpec = {
  type: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
};

export async function predictCommand(argv: string[], io: Output): Promise<void> {
  const args = parse(argv, PREDICT_OPTIONS, 'predict');
  if (flag(args, 'help')) {
    io.out(PREDICT_HELP + '\n');
    return;
  }
  const [modelPath, dataPath] = positionals(args, ['a model file (JSON)', 'a data file (CSV or Parquet)'], 'predict') as [string, string];
  const type = choiceOption(args, 'type', ['prob', 'class', 'link'] as const) ?? 'prob';
  const model = loadModelFile(readJSON(modelPath, 'model file'), modelPath);
  const terms = termsOf(model);
  const factorNames = new Set(terms.factors.map((f) => f.name));
  const offsetColumn = terms.offsetColumn === undefined ? [] : [terms.offsetColumn];
  const frame = await readFrame(dataPath, {
    numeric: [...terms.predictors.filter((name) => !factorNames.has(name)), ...offsetColumn],
    used: [...terms.predictors, ...offsetColumn],
    categorical: [...factorNames],
  });
  const coded = newDataMatrix(frame, terms);
  const expected = model.fit.names.slice(model.fit.intercept ? 1 : 0);
  if (coded.names.join('\0') !== expected.join('\0')) {
    throw new SoftlogitError(
      'BAD_MODEL',
      `${dataPath} codes to columns ${coded.names.join(', ')}, but the model in ${modelPath} has ${expected.join(', ')}`,
    );
  }

  const { fit } = model;
  const K = model.classes.length;
  const columns = type === 'class' ? ['class'] : fit instanceof SoftmaxFit ? model.classes.map(labelText) : [type];
  const missing = columns.map(() => 'NA');
  const lines: string[][] = Array.from({ length: frame.nRows }, () => missing);
  if (coded.nRows > 0) {
    const X = { data: coded.X, nRows: coded.nRows, nFeatures: coded.nFeatures };
    let rowsOut: (r: number) => string[];
    if (fit instanceof SoftmaxFit) {
      if (type === 'class') {
        const labels: ClassLabel[] = fit.predict(X, { type: 'class' });
        rowsOut = (r) => [labelText(labels[r]!)];
      } else {
        const values: Matrix = fit.predict(X, { type });
        rowsOut = (r) => Array.from({ length: K }, (_, k) => csvNumber(values.get(r, k)));
      }
    } else {
      const values = fit.predict(X, { type: type === 'prob' ? 'response' : type, ...(coded.offset ? { offset: coded.offset } : {}) });
      rowsOut = type === 'class' ? (r) => [labelText(model.classes[values[r]!]!)] : (r) => [csvNumber(values[r]!)];
    }
    coded.rows.forEach((i, r) => (lines[i] = rowsOut(r)));
  }
  io.out([csvLine(columns), ...lines.map(csvLine)].join('\n') + '\n');
  const nMissing = coded.droppedRowNumbers.length;
  if (nMissing > 0 && !flag(args, 'quiet')) {
    io.err(`note: ${nMissing} row${nMissing === 1 ? ' has' : 's have'} a missing predictor value; predicted as NA\n`);
  }
}
