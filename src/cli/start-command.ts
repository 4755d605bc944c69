/** `triage start`: intake and every worker in one process (the README's default). */
import { ALL_ROLES, type Role } from '../runtime/app.js';
import { runRoles } from '../runtime/run-roles.js';

export async function runStart(opts: { roles?: string }): Promise<void> {
  const roles = opts.roles ? (opts.roles.split(',').map((r) => r.trim()) as Role[]) : [...ALL_ROLES];
  const unknown = roles.filter((r) => !ALL_ROLES.includes(r));
  if (unknown.length) throw new Error(`unknown role(s): ${unknown.join(', ')} (have: ${ALL_ROLES.join(', ')})`);
  await runRoles(roles);
}
