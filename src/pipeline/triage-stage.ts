/**
 * Stage 2: one queued message -> decision -> ticket (when routed) -> reply
 * and route jobs -> filing request. Every step is idempotent, so a retry
 * after a crash anywhere repeats nothing that was done: the decision record,
 * the ticket-per-message index, the reply slot named by the message, and
 * deterministic job ids.
 */
import type { Logger } from 'pino';
import type { AutoReplyJob, RouteJob, TriageJob } from '../contracts/queues.js';
import type { ReplySlot, TriageStore } from '../adapters/redis/triage-store.js';
import type { FolderNames } from '../adapters/imap/imap-intake.js';
import type { NormalizedMessage, TriageDecision } from '../core/types.js';
import { classifyMessage } from '../core/classify-message.js';
import { DUPLICATE_WINDOW_SECONDS, requestSubjectKey, ticketIdInSubject, ticketRequestKey, ticketStatus, type Ticket } from '../core/ticket.js';
import { parseMessage } from '../adapters/mime/parse-message.js';
import { TriageError } from '../runtime/errors.js';
import type { PostRuntime } from './post-runtime.js';

export interface TriageDeps {
  store: TriageStore;
  posts: ReadonlyMap<string, PostRuntime>;
  folders: (mailbox: string) => FolderNames;
  addAutoReply: (job: AutoReplyJob) => Promise<void>;
  addRoute: (job: RouteJob) => Promise<void>;
  now: () => Date;
  logger: Logger;
  /** Called once per decided message (metrics). */
  onDecision?: (post: string, decision: TriageDecision, outcome: string) => void;
}


/** `duplicate`: no reply, as the per-sender-and-case limit holds; `reply-limited`: no reply, as the per-sender limit holds (a possible loop). */
export type TriageOutcome = 'replied' | 'routed' | 'replied+routed' | 'ignored' | 'duplicate' | 'reply-limited' | 'already-done';

export async function runTriageStage(job: TriageJob, deps: TriageDeps): Promise<TriageOutcome> {
  const { store } = deps;
  const post = deps.posts.get(job.post);
  if (!post) throw new TriageError('POST_UNKNOWN', `no post ${job.post} configured`);
  const folders = deps.folders(job.source.mailbox);

  // The raw message is read beside the state: a message decided already is rare.
  const [state, raw] = await Promise.all([store.getMessageState(job.key), store.getRaw(job.key)]);
  if (state.status === 'done') {
    // Re-delivered (rescan after UIDVALIDITY change, or a replayed job): file it again, decide nothing.
    await store.requestFiling(job.source.mailbox, { uidValidity: job.source.uidValidity, uid: job.source.uid, folder: state.folder ?? folders.processed, key: job.key });
    return 'already-done';
  }

  if (!raw) throw new TriageError('RAW_MESSAGE_MISSING', `raw message ${job.key} is no longer stored`);
  const msg = await parseMessage(raw);
  const decision = classifyMessage(msg, post.rules);
  const sender = (msg.replyTo?.address || msg.from?.address || '').toLowerCase();
  const subjectKey = requestSubjectKey(decision.caseNumber, decision.category);

  let ticket: Ticket | null = null;
  let newTicket = false;
  // A message in a ticket's thread is a follow-up: staff hear of it, and it
  // reopens a closed ticket, unless it only acknowledges ("ok, gracias").
  // A new message on the same request within the window (a duplicate) only
  // joins the ticket: its unit has the request.
  let followUp: { reopened: boolean } | undefined;
  if (decision.category !== 'auto_generated') {
    const thread = await findThreadTicket(msg, post, store);
    if (thread) {
      ticket = await store.attachToTicket(thread, job.key);
      if (ticket && !decision.acknowledgementOnly) {
        const reopened = ticketStatus(ticket) === 'closed';
        if (reopened) await store.setTicketStatus(ticket, 'open', deps.now().toISOString(), DUPLICATE_WINDOW_SECONDS);
        followUp = { reopened };
      }
    } else if (decision.route) ({ ticket, newTicket } = await openOrAttachTicket(job, msg, decision, sender, subjectKey, post, store));
  }

  // The route job is queued while the reply slot is taken (both idempotent,
  // neither waits on the other); its outcome is awaited before the message
  // is marked done, and a failure is never left unhandled.
  const routing =
    ticket && (newTicket || followUp)
      ? settled(deps.addRoute({ schemaVersion: 1, post: post.config.id, key: job.key, ticketId: ticket.id, ...(followUp ? { followUp } : {}) }))
      : null;
  let replied = false;
  let held: Exclude<ReplySlot, 'ok'> | null = null;
  if (decision.autoReply && sender) {
    const { perSenderAndCase, perSender } = post.config.replyLimits;
    const slot = await store.takeReplySlot(post.config.id, sender, subjectKey, job.key, deps.now().getTime(), {
      perSenderAndCase: { max: perSenderAndCase.max, windowMs: perSenderAndCase.windowHours * 3600_000 },
      perSender: { max: perSender.max, windowMs: perSender.windowHours * 3600_000 },
    });
    if (slot === 'ok') {
      await deps.addAutoReply({
        schemaVersion: 1,
        post: post.config.id,
        key: job.key,
        template: decision.autoReply,
        to: sender,
        toName: (msg.replyTo?.address ? msg.replyTo.name : msg.from?.name) ?? '',
        subject: msg.subject,
        messageId: msg.messageId,
        references: [...msg.references, ...(msg.messageId ? [msg.messageId] : [])].slice(-20),
        decision: pickDecision(decision),
        ticketId: ticket?.id ?? null,
        dueDate: ticket?.dueDate ?? null,
        receivedAt: job.receivedAt,
      });
      replied = true;
    } else {
      held = slot;
      // Many cases from one sender in a day is more often a loop than a family.
      if (slot === 'sender-limit') deps.logger.warn({ post: post.config.id, key: job.key, limit: perSender }, 'triage: reply held back, the sender reached the per-sender reply limit (possible mail loop)');
    }
  }
  const routeError = await routing;
  if (routeError) throw routeError;

  const folder = decision.category === 'auto_generated' ? folders.ignored : folders.processed;
  await store.setMessageState(job.key, {
    status: 'done',
    folder,
    decision: JSON.stringify(pickDecision(decision)),
    ticketId: ticket?.id ?? '',
    reply: replied ? 'queued' : held === 'case-limit' ? 'suppressed-duplicate' : held === 'sender-limit' ? 'suppressed-sender-limit' : 'none',
  });
  await store.requestFiling(job.source.mailbox, { uidValidity: job.source.uidValidity, uid: job.source.uid, folder, key: job.key });

  const outcome: TriageOutcome =
    decision.category === 'auto_generated' ? 'ignored' : replied && ticket ? 'replied+routed' : replied ? 'replied' : ticket ? 'routed' : held === 'sender-limit' ? 'reply-limited' : 'duplicate';
  deps.onDecision?.(post.config.id, decision, outcome);
  deps.logger.info(
    { post: post.config.id, key: job.key, category: decision.category, problems: decision.problems, ticketId: ticket?.id, outcome, machineSignals: decision.machineSignals },
    'triage: decided',
  );
  return outcome;
}

/** A reply to one of our replies, or a subject carrying our ticket id, belongs to that ticket. */
async function findThreadTicket(msg: NormalizedMessage, post: PostRuntime, store: TriageStore): Promise<string | null> {
  const inSubject = ticketIdInSubject(msg.subject, post.config.id);
  if (inSubject && (await store.getTicket(inSubject))) return inSubject;
  // Another post's ticket (a reply to Lima's reply sent to Buenos Aires) is not this mailbox's thread.
  const replied = await store.ticketForReply([...(msg.inReplyTo ? [msg.inReplyTo] : []), ...msg.references]);
  return replied?.startsWith(`${post.config.id}-`) ? replied : null;
}

async function openOrAttachTicket(
  job: TriageJob,
  msg: NormalizedMessage,
  decision: TriageDecision,
  sender: string,
  subjectKey: string,
  post: PostRuntime,
  store: TriageStore,
): Promise<{ ticket: Ticket | null; newTicket: boolean }> {
  const route = decision.route!;
  // The message names its ticket id before the ticket exists: a retried job,
  // or a second copy of the same message decided at the same moment, then
  // opens that same ticket (storing it is idempotent), never a second one.
  const mine = await store.ticketByMessage(job.key);
  if (mine) {
    const stored = await store.getTicket(mine);
    if (stored) return { ticket: stored, newTicket: true };
  }
  const year = post.localDate(job.receivedAt).slice(0, 4);
  const id = mine ?? (await store.claimMessageTicket(job.key, await store.nextTicketId(post.config.id, year)));
  const requestKey = ticketRequestKey(decision.caseNumber, decision.category);
  const existing = sender ? await store.claimSenderTicket(post.config.id, sender, requestKey, id, DUPLICATE_WINDOW_SECONDS) : null;
  if (existing && existing !== id) {
    if (await store.getTicket(existing)) return { ticket: await store.attachToTicket(existing, job.key), newTicket: false };
    // Claimed but never stored (a job died in between), unless it is being
    // stored right now: a retry then finds it.
    if (!(await store.reclaimSenderTicket(post.config.id, sender, requestKey, existing, id, DUPLICATE_WINDOW_SECONDS))) throw new TriageError('TICKET_BUSY', `the open ticket of ${job.key}'s sender changed meanwhile; retrying`);
  }
  const queue = post.config.queues[route.queue]!;
  const ticket: Ticket = {
    id,
    post: post.config.id,
    queue: route.queue,
    unit: queue.unit,
    category: decision.category,
    priority: route.priority,
    caseNumber: decision.caseNumber,
    lastName: decision.lastName,
    problems: decision.problems,
    sender,
    senderName: msg.from?.name ?? '',
    subject: msg.subject,
    receivedAt: job.receivedAt,
    dueDate: post.dueDate(job.receivedAt, queue.slaBusinessDays),
    messages: [job.key],
    createdAt: job.receivedAt,
  };
  await store.createTicket(ticket, job.key);
  return { ticket, newTicket: true };
}

function pickDecision(d: TriageDecision): AutoReplyJob['decision'] {
  return {
    category: d.category,
    caseNumber: d.caseNumber,
    lastName: d.lastName,
    problems: d.problems,
    autoReply: d.autoReply,
    route: d.route,
    replyLanguages: d.replyLanguages,
    emergency: d.emergency,
  };
}

/** A promise's failure as a value (null when it succeeded), handled from the start. */
function settled(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (err: unknown) => err ?? new Error('rejected'),
  );
}
