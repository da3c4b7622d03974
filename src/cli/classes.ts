// Matching class and level names typed on the command line to the labels of the data or model.
import type { ClassLabel } from '../index.js';
import { UsageError } from './args.js';

/** A class label as it is printed and written in CSV. */
export function labelText(label: ClassLabel): string {
  return String(label);
}

/**
 * Index of the class a command-line word names: equal text, or for numeric labels an equal
 * number (`--reference 1.0` names class 1).
 */
export function matchClass(classes: readonly ClassLabel[], text: string, option: string): number {
  let k = classes.findIndex((c) => labelText(c) === text);
  if (k < 0 && text.trim() !== '') k = classes.findIndex((c) => typeof c === 'number' && c === Number(text));
  if (k < 0) {
    throw new UsageError(`${option} "${text}" is not one of the classes (${classes.map(labelText).join(', ')})`);
  }
  return k;
}
