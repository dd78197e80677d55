// Runs one deployment plan in its own process, so a test can SIGKILL it mid-plan.
// Configuration comes from the environment (never argv): the database file, the master key
// (hex), the plan id and the lease length.
import {
  createCipher,
  createRegistryDeps,
  createStore,
  executePlan,
  MemoryLoginCache,
  openDatabase,
  storeHostProvider,
} from "@bridgeport/core";

const { BRIDGEPORT_TEST_DB, BRIDGEPORT_TEST_KEY, BRIDGEPORT_TEST_PLAN } = process.env;
if (!BRIDGEPORT_TEST_DB || !BRIDGEPORT_TEST_KEY || !BRIDGEPORT_TEST_PLAN)
  throw new Error("missing test environment");
const database = await openDatabase({ url: `file:${BRIDGEPORT_TEST_DB}` });
const store = createStore(database, { cipher: createCipher(Buffer.from(BRIDGEPORT_TEST_KEY, "hex")) });
const hosts = storeHostProvider(store);
await executePlan(BRIDGEPORT_TEST_PLAN, {
  store,
  hosts,
  registries: createRegistryDeps(),
  loginCache: new MemoryLoginCache(),
  owner: "child-runner",
  leaseMs: Number(process.env.BRIDGEPORT_TEST_LEASE_MS ?? 2000),
});
await hosts.close();
database.close();
