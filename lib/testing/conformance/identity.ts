import type { Identity } from '../../sdk/contracts';
import { assert, check, show } from './check';
import type { ConformanceHarness } from './harness';
import type { ConformanceCheck } from './types';

interface UserPage {
  users: Identity[];
  nextCursor?: string;
}

/** Small enough that a sample directory pages, so the cursor is followed. */
const PAGE_SIZE = 2;
const UNKNOWN_ID = 'conformance-unknown-user';

/**
 * The identity contract: every answer is held to its output schema by the runtime (a broken user
 * answers PluginFailed), listUsers pages by limit and cursor, and getUser finds a listed user, or
 * answers NotFound for an id it does not know.
 */
export async function identityChecks(h: ConformanceHarness): Promise<ConformanceCheck[]> {
  const given = h.fixtures.operations ?? {};
  const listInput = given['identity.listUsers'];
  const getInput = given['identity.getUser'];
  const checks: ConformanceCheck[] = [];
  let listed: Identity[] = [];
  if (listInput !== false) {
    checks.push(
      await check('identity: listUsers answers at most limit users, paged by its cursor', async () => {
        const input = { limit: PAGE_SIZE, ...listInput };
        const limit = Number(input.limit);
        const first = await h.operation<UserPage>('identity.listUsers', input);
        listed = first.users;
        assert(first.users.length <= limit, `limit ${limit} answered ${first.users.length} users`);
        if (!first.nextCursor) return `${first.users.length} user(s), one page`;
        const next = await h.operation<UserPage>('identity.listUsers', {
          ...input,
          cursor: first.nextCursor,
        });
        assert(next.users.length <= limit, `limit ${limit} answered ${next.users.length} users on page 2`);
        const repeated = next.users.filter((u) => first.users.some((f) => f.id === u.id));
        assert(repeated.length === 0, `page 2 repeats ${show(repeated.map((u) => u.id))} of page 1`);
        return `${first.users.length} then ${next.users.length} user(s), page 2 by nextCursor`;
      }),
    );
  }
  if (getInput === false) return checks;
  checks.push(
    await check('identity: getUser answers the user it is asked for', async () => {
      const id = getInput ? String(getInput.id) : listed[0]?.id;
      if (id === undefined) {
        const user = await h.lookup<Identity>('identity.getUser', { id: UNKNOWN_ID });
        return `no user listed; ${UNKNOWN_ID} answered ${user ? `user ${show(user.id)}` : 'NotFound'}`;
      }
      const user = await h.operation<Identity>('identity.getUser', { ...getInput, id });
      assert(user.id === id, `getUser(${show(id)}) answered user ${show(user.id)}`);
      return `found ${show(id)}${getInput ? '' : ', the first listed user'}`;
    }),
  );
  return checks;
}
