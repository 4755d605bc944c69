/**
 * Runs only the `intake` role, for scaling it on its own (see README,
 * "Scaling"). Configured from the environment like `triage start`.
 */
import { runRoles } from '../src/runtime/run-roles.js';

await runRoles(['intake']);
