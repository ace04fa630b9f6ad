import { textTable } from '../core/text-table';

/** Prints a value as indented JSON, as every command's JSON output reads. */
export const printJson = (value: unknown): void => console.log(JSON.stringify(value, null, 2));

/** Prints a header and rows as aligned columns, as every command's listing reads. */
export const printTable = (header: readonly string[], rows: readonly (readonly string[])[]): void =>
  console.log(textTable([header, ...rows]));
