export type { OperationOutput } from '../sdk/contracts';
export { callAction, callOperation } from './call-handler';
export {
  type ConformanceCheck,
  type ConformanceFixtures,
  type ConformanceReport,
  FIXTURES_FILE,
  formatConformanceReport,
  loadFixtures,
  runConformance,
} from './conformance';
export { MemoryStore, type MemoryStoreScope } from './memory-store';
export {
  type CapturedLog,
  type CapturedPublish,
  createTestContext,
  type TestContext,
} from './test-context';
export type { TestContextInit, TestCredentials, TypedTestContext } from './test-context-init';
