export {
  type ApiResponse,
  CLIENT_ROUTES,
  type ClientOptions,
  PlugboardClient,
  type RequestOptions,
} from './client';
export { PlugboardApiError } from './errors';
export type * from './types';
