/** Exit codes: 1 for a user error (bad input, failed checks, an API error), 2 for a usage error. */
export const EXIT_USER_ERROR = 1;
export const EXIT_USAGE = 2;
