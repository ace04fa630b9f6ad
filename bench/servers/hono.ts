import { serveHonoEcho } from './hono-echo';

serveHonoEcho(false);
