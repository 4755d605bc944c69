/** `triage tickets list|show|close|reopen`: tickets for staff and admins. */
import { TriageStore } from '../adapters/redis/triage-store.js';
import { connectRedis } from '../adapters/redis/connect.js';
import { localDate } from '../core/business-days.js';
import { DUPLICATE_WINDOW_SECONDS, isOverdue, ticketStatus, type Ticket, type TicketStatus } from '../core/ticket.js';
import { readEnvConfig } from '../runtime/env-config.js';
import { loadConfig } from '../runtime/load-config.js';

export type TicketsAction = 'list' | 'show' | 'close' | 'reopen';

export interface TicketsOptions {
  post?: string;
  id?: string;
  limit?: string;
  json?: boolean;
  /** `open` (default), `closed` or `all`. */
  status?: string;
  /** Only this unit's queue, e.g. `iv-scheduling`. */
  queue?: string;
  /** Only open tickets past their SLA due date (in the post's time zone). */
  overdue?: boolean;
  config?: string;
  /** Injected by tests; the current time otherwise. */
  now?: Date;
}

const STATUSES = ['open', 'closed', 'all'] as const;

/** Tickets read per round trip while looking for `--limit` that match, newest first. */
const PAGE = 500;

export async function runTickets(action: TicketsAction, opts: TicketsOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const wanted = (opts.status ?? 'open') as (typeof STATUSES)[number];
  if (!STATUSES.includes(wanted)) {
    err.write(`triage tickets: --status must be one of ${STATUSES.join(', ')}, not "${opts.status}"\n`);
    return 2;
  }
  const limit = Number(opts.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1) {
    err.write(`triage tickets: --limit must be a whole number of at least 1, not "${opts.limit}"\n`);
    return 2;
  }
  const env = readEnvConfig();
  const redis = connectRedis(env, { maxRetriesPerRequest: 3 });
  const store = new TriageStore(redis);
  const now = opts.now ?? new Date();
  try {
    if (action !== 'list') {
      const ticket = opts.id ? await store.getTicket(opts.id) : null;
      if (!ticket) {
        err.write(`triage tickets: no ticket ${opts.id ?? '(give an id)'}\n`);
        return 1;
      }
      if (action === 'show') {
        out.write(`${JSON.stringify(ticket, null, 2)}\n`);
        return 0;
      }
      const to: TicketStatus = action === 'close' ? 'closed' : 'open';
      if (ticketStatus(ticket) === to) {
        out.write(`${ticket.id} is ${to} already\n`);
        return 0;
      }
      await store.setTicketStatus(ticket, to, now.toISOString(), DUPLICATE_WINDOW_SECONDS);
      out.write(`${ticket.id} ${to === 'closed' ? 'closed' : 'reopened'}\n`);
      return 0;
    }

    const post = (opts.post ?? 'LMA').toUpperCase();
    let keep = (t: Ticket): boolean => (wanted === 'all' || ticketStatus(t) === wanted) && (!opts.queue || t.queue === opts.queue);
    if (opts.overdue) {
      const config = await loadConfig(opts.config);
      const timezone = config.posts.get(post)?.timezone;
      if (!timezone) {
        err.write(`triage tickets: no post ${post} in the configuration\n`);
        return 1;
      }
      const today = localDate(now.toISOString(), timezone);
      const base = keep;
      keep = (t) => base(t) && isOverdue(t, today);
    }
    const tickets: Ticket[] = [];
    for (let offset = 0; tickets.length < limit; offset += PAGE) {
      const page = await store.listTickets(post, PAGE, offset);
      tickets.push(...page.filter(keep).slice(0, limit - tickets.length));
      if (page.length < PAGE) break;
    }
    for (const t of tickets) {
      out.write(
        opts.json
          ? `${JSON.stringify(t)}\n`
          : `${t.id}\t${ticketStatus(t)}\t${t.queue}\t${t.priority}\tdue ${t.dueDate}\t${t.category}\t${t.caseNumber ?? '-'}\t${t.messages.length} message(s)\n`,
      );
    }
    if (tickets.length === 0) out.write(`no ${wanted === 'all' ? '' : `${wanted} `}${opts.overdue ? 'overdue ' : ''}tickets for ${post}${opts.queue ? ` in ${opts.queue}` : ''}\n`);
    return 0;
  } finally {
    await redis.quit();
  }
}
