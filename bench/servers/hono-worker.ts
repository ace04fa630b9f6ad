import { serveHonoEcho } from './hono-echo';

serveHonoEcho(true);
