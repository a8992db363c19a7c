import { readFile } from 'node:fs/promises';
import { UsageError } from '../../core/index.js';
import { fsUsageError } from '../../runtime/output-path.js';

/** A CSV file as header names and rows of strings. */
export interface CsvTable {
  readonly fields: readonly string[];
  readonly rows: readonly Record<string, string>[];
}

/**
 * Reads a whole CSV file with papaparse (quoted fields may span lines, as the benchmark
 * prompts do). Any malformed row is an error naming the file and row, not a silent skip.
 * An empty file is an error; a file of one column is not (papaparse only warns that it
 * found no delimiter), so the caller says which column is missing.
 */
export async function readCsvTable(path: string): Promise<CsvTable> {
  const text = await readTextFile(path);
  if (text.trim() === '') throw new UsageError(`${path} is empty: expected a CSV file with a header line`);
  const { default: Papa } = await import('papaparse');
  const result = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, dynamicTyping: false });
  const error = result.errors.find((e) => e.code !== 'UndetectableDelimiter');
  if (error) {
    const where = error.row === undefined ? '' : ` record ${error.row + 2}:`;
    throw new UsageError(`${path}:${where} malformed CSV: ${error.message}`);
  }
  return { fields: result.meta.fields ?? [], rows: result.data };
}

/** Reads a text file; a missing or unreadable file is a usage error naming it. */
export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new UsageError(`file not found: ${path}`) : fsUsageError(error, 'read', path);
  }
}

/** Reads a JSONL file into objects; a bad line is an error naming the file and line. */
export async function readJsonLines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readTextFile(path);
  const rows: Record<string, unknown>[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`${path}: line ${index + 1} is not valid JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new UsageError(`${path}: line ${index + 1} is not a JSON object`);
    }
    rows.push(value as Record<string, unknown>);
  });
  return rows;
}

/** Fails with the columns the file does have when a needed one is missing. */
export function requireColumns(table: CsvTable, path: string, columns: readonly string[]): void {
  for (const column of columns) {
    if (!table.fields.includes(column)) {
      throw new UsageError(`${path}: no column "${column}"; columns are: ${table.fields.join(', ')}`);
    }
  }
}
