/**
 * The data layer shared by the CLI and the browser demo: CSV text → typed columns
 * ({@link parseCSV}) → an R-style design matrix ({@link designMatrix}).
 */
export { parseCSV, readCSV, readCSVHeader } from './csv.js';
export type { Column, CSVSource, DataFrame, NumericColumn, ParseCSVOptions, StringColumn } from './csv.js';
export { designMatrix, levelsOf, newDataMatrix } from './design.js';
export { csvDesignSource, frameDesignSource, logisticBatches, softmaxBatches } from './stream.js';
export { arrowDesignSource } from './arrow.js';
export type { ArrowBatchLike, ArrowSource, ArrowVectorLike } from './arrow.js';
export type { CSVDesignOptions, CSVDesignSource, DesignBatch } from './stream.js';
export type {
  CountsResponse, Design, DesignOptions, DesignTerms, FactorCoding, LabelResponse, NewDesign,
} from './design.js';
export { parquetDesignSource, readParquet } from './parquet.js';
export type { ParquetFile, ReadParquetOptions } from './parquet.js';
