import type { ConformanceFixtures } from 'plugboard/testing';

/** Params for the actions, which all have required ones; the kit signs and verifies with a canary key. */
export default {
  actions: {
    sign: { payload: 'conformance payload' },
    verify: { payload: 'conformance payload', signature: 'not-the-signature' },
  },
} satisfies ConformanceFixtures;
