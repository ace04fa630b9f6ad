/**
 * Measures each of `count` subjects once a window for `windows` windows, in order on even windows and
 * in reverse on odd ones, so that the machine's drift, and going first or last, lands on each alike.
 * Answers each subject's measurements in window order.
 */
export async function alternated<T>(
  count: number,
  windows: number,
  measure: (subject: number) => Promise<T>,
): Promise<T[][]> {
  const runs = Array.from({ length: count }, () => [] as T[]);
  for (let w = 0; w < windows; w++) {
    for (let k = 0; k < count; k++) {
      const i = w % 2 === 0 ? k : count - 1 - k;
      runs[i]!.push(await measure(i));
    }
  }
  return runs;
}
