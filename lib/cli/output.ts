/** Prints a value as indented JSON, as every command's JSON output reads. */
export const printJson = (value: unknown): void => console.log(JSON.stringify(value, null, 2));
