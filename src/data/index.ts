/**
 * The data layer shared by the CLI and the browser demo:
 * - CSV text, files or streams → typed columns ({@link parseCSV}, {@link readCSV}); Parquet files
 *   → typed columns ({@link readParquet});
 * - typed columns → an R-style design matrix ({@link designMatrix}, {@link newDataMatrix});
 * - files, frames and Arrow data larger than memory → batches of design rows for
 *   fitLogisticStream / fitSoftmaxStream ({@link csvDesignSource}, {@link parquetDesignSource},
 *   {@link frameDesignSource}, {@link arrowDesignSource}, {@link logisticBatches}, {@link softmaxBatches}).
 */
export { parseCSV, readCSV, readCSVHeader } from './csv.js';
export type { Column, CSVSource, DataFrame, NumericColumn, ParseCSVOptions, ReadCSVHeaderOptions, StringColumn } from './csv.js';
export type { CSVDelimiter } from './tokenizer.js';
export { parquetDesignSource, readParquet } from './parquet.js';
export type { ParquetFile, ReadParquetOptions } from './parquet.js';
export { designMatrix, levelsOf, newDataMatrix } from './design.js';
export type {
  CountsResponse, Design, DesignOptions, DesignTerms, FactorCoding, LabelResponse, NewDesign,
} from './design.js';
export { csvDesignSource, frameDesignSource, logisticBatches, softmaxBatches } from './stream.js';
export type { CSVDesignOptions, CSVDesignSource, DesignBatch } from './stream.js';
export { arrowDesignSource } from './arrow.js';
export type { ArrowBatchLike, ArrowSource, ArrowVectorLike } from './arrow.js';
