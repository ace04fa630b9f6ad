import { randomUUID } from 'node:crypto';
import { REDACTED } from '../../core/runtime/redact';
import type { ConfigKey, ConfigValue } from '../../sdk/contracts';
import { assert, check, show } from './check';
import type { ConformanceHarness } from './harness';
import type { ConformanceCheck } from './types';

type Key = ConfigKey & { lastModified?: string };

/** Imbi's configuration contract: round trip, missing keys omitted, idempotent delete, secrets redacted. */
export async function configurationChecks(h: ConformanceHarness): Promise<ConformanceCheck[]> {
  const key = `conformance-${randomUUID().slice(0, 8)}`;
  const missing = `${key}-missing`;
  const { value = 'conformance-value', dataType } = h.fixtures.configuration ?? {};
  const setInput = { key, value, ...(dataType ? { dataType } : {}) };
  const getValues = (keys?: string[]) =>
    h.operation<ConfigValue[]>('configuration.getValues', keys ? { keys } : {});
  const listKeys = () => h.operation<Key[]>('configuration.listKeys');

  return [
    await check('configuration: setValue returns the key with lastModified', async () => {
      const set = await h.operation<Key>('configuration.setValue', setInput);
      assert(set.key === key, `setValue returned key ${show(set.key)}, expected ${show(key)}`);
      assert(
        typeof set.lastModified === 'string' && !Number.isNaN(Date.parse(set.lastModified)),
        `setValue returned no lastModified: ${show(set)}`,
      );
      return `set ${key}, lastModified ${set.lastModified}`;
    }),
    await check('configuration: getValues returns what setValue set', async () => {
      const values = await getValues([key]);
      const found = values.find((v) => v.key === key);
      assert(found, `getValues([${key}]) did not return it: ${show(values)}`);
      assert(
        JSON.stringify(found.value) === JSON.stringify(value),
        `getValues returned ${show(found.value)} for ${key}, set was ${show(value)}`,
      );
      const all = await getValues();
      assert(
        all.some((v) => v.key === key),
        `getValues() without keys did not include ${key}: ${show(all)}`,
      );
      return 'value read back by key and in the full listing';
    }),
    await check('configuration: getValues omits missing keys', async () => {
      const values = await getValues([key, missing]);
      assert(
        !values.some((v) => v.key === missing),
        `getValues returned an entry for the missing key ${missing}: ${show(values)}`,
      );
      assert(values.length === 1, `getValues([set, missing]) returned ${values.length} entries, expected 1`);
      return 'one entry for one set key and one missing key';
    }),
    await check('configuration: listKeys shows the key', async () => {
      const keys = await listKeys();
      assert(
        keys.some((k) => k.key === key),
        `listKeys did not include ${key}: ${show(keys)}`,
      );
      assert(
        keys.every((k) => !('value' in k)),
        'listKeys answered values; it lists keys only',
      );
      return `${keys.length} key(s) listed`;
    }),
    await check('configuration: deleteKey is idempotent', async () => {
      await h.operation('configuration.deleteKey', { key });
      await h.operation('configuration.deleteKey', { key });
      await h.operation('configuration.deleteKey', { key: missing });
      const values = await getValues([key]);
      assert(values.length === 0, `getValues still returns ${key} after deleteKey: ${show(values)}`);
      const keys = await listKeys();
      assert(!keys.some((k) => k.key === key), `listKeys still shows ${key} after deleteKey`);
      return 'deleted twice and a never-set key deleted, all without error';
    }),
    ...(await secretDataTypeChecks(h)),
  ];
}

async function secretDataTypeChecks(h: ConformanceHarness): Promise<ConformanceCheck[]> {
  const checks: ConformanceCheck[] = [];
  for (const type of h.manifest.dataTypes.filter((d) => d.secret)) {
    checks.push(
      await check(`configuration: values of secret data type "${type.name}" are redacted`, async () => {
        const key = `conformance-secret-${randomUUID().slice(0, 8)}`;
        const secret = `conformance-secret-${randomUUID()}`;
        await h.operation('configuration.setValue', { key, value: secret, dataType: type.name });
        const values = await h.operation<ConfigValue[]>('configuration.getValues', { keys: [key] });
        const found = values.find((v) => v.key === key);
        assert(found, `getValues did not return the secret key ${key}`);
        assert(found.value === REDACTED, `getValues answered ${show(found.value)} instead of ${REDACTED}`);
        const text = JSON.stringify([h.answers, h.logs, h.published]);
        assert(!text.includes(secret), 'the secret value appears in an answer, log or event');
        await h.operation('configuration.deleteKey', { key });
        return `answered ${REDACTED}`;
      }),
    );
  }
  return checks;
}
