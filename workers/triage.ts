/**
 * Runs only the `triage` role, for scaling it on its own (see README,
 * "Scaling"). Configured from the environment like `triage start`.
 */
import { runRoles } from '../src/runtime/run-roles.js';

await runRoles(['triage']);
