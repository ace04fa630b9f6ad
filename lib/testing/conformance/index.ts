export { FIXTURES_FILE, loadFixtures } from './fixtures-file';
export { formatConformanceReport, runConformance } from './run-conformance';
export type { ConformanceCheck, ConformanceFixtures, ConformanceReport } from './types';
