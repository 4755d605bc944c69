/** `triage tickets list|show`: tickets for staff and admins. */
import { TriageStore } from '../adapters/redis/triage-store.js';
import { connectRedis } from '../adapters/redis/connect.js';
import { readEnvConfig } from '../runtime/env-config.js';

export async function runTickets(action: 'list' | 'show', opts: { post?: string; id?: string; limit?: string; json?: boolean }, out: NodeJS.WritableStream): Promise<number> {
  const env = readEnvConfig();
  const redis = connectRedis(env, { maxRetriesPerRequest: 3 });
  const store = new TriageStore(redis);
  try {
    if (action === 'show') {
      const ticket = opts.id ? await store.getTicket(opts.id) : null;
      if (!ticket) {
        out.write(`no ticket ${opts.id ?? '(give --id)'}\n`);
        return 1;
      }
      out.write(`${JSON.stringify(ticket, null, 2)}\n`);
      return 0;
    }
    const post = (opts.post ?? 'LMA').toUpperCase();
    const tickets = await store.listTickets(post, Number(opts.limit ?? 50));
    for (const t of tickets) {
      out.write(opts.json ? `${JSON.stringify(t)}\n` : `${t.id}\t${t.queue}\t${t.priority}\tdue ${t.dueDate}\t${t.category}\t${t.caseNumber ?? '-'}\t${t.messages.length} message(s)\n`);
    }
    if (tickets.length === 0) out.write(`no tickets for ${post}\n`);
    return 0;
  } finally {
    await redis.quit();
  }
}
