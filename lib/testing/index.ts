export { callAction, callOperation, type OperationOutput } from './call-handler';
export { MemoryStore } from './memory-store';
export {
  type CapturedLog,
  type CapturedPublish,
  createTestContext,
  type TestContext,
  type TestContextInit,
} from './test-context';
