/**
 * The triage stage against a real Redis, with the jobs it would queue
 * collected: what happens when two copies of one message (same Message-ID,
 * two UIDs) are decided at the same moment by two workers.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawMessageKey, type AutoReplyJob, type RouteJob, type TriageJob } from '../../src/contracts/queues.js';
import type { TriageStore } from '../../src/adapters/redis/triage-store.js';
import { usePrivateRedis } from '../helpers/private-redis.js';
import { buildPostRuntimes } from '../../src/pipeline/post-runtime.js';
import { runTriageStage, type TriageDeps } from '../../src/pipeline/triage-stage.js';
import { loadConfig } from '../../src/runtime/load-config.js';

const pr = usePrivateRedis();

describe('two copies of one message decided at once', () => {
  it('open one ticket and queue one reply and one routing job, whatever the interleaving', async () => {
    const config = await loadConfig(undefined);
    const posts = buildPostRuntimes(config.posts.values(), 2026);
    for (let round = 0; round < 20; round++) {
      const raw = Buffer.from(
        `From: Kevin Ramos <kevin.${round}@example.com>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: Missed IV appointment\r\nMessage-ID: <race-${round}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNo pude asistir a mi entrevista. Caso LMA2023${String(700000 + round)}. Solicitante principal: Kevin Ramos. Celular +51 933 222 111\r\n`,
      );
      const key = rawMessageKey('LMA', raw);
      await pr.store.putRaw(key, raw);
      const replies = new Map<string, AutoReplyJob>();
      const routes = new Map<string, RouteJob>();
      const deps: TriageDeps = {
        store: pr.store,
        posts,
        folders: () => ({ processed: 'Triage/Processed', ignored: 'Triage/Ignored', failed: 'Triage/Failed' }),
        // Deterministic job ids, as BullMQ de-duplicates them.
        addAutoReply: async (j) => void replies.set(j.key, j),
        addRoute: async (j) => void routes.set(j.key, j),
        now: () => new Date('2026-11-23T15:00:00Z'),
        logger: pino({ level: 'silent' }),
      };
      const job = (uid: number): TriageJob => ({
        schemaVersion: 1,
        post: 'LMA',
        key,
        source: { mailbox: 'LMA', folder: 'INBOX', uidValidity: '1', uid },
        receivedAt: '2026-11-23T15:00:00Z',
        size: raw.length,
      });
      // The first worker is slow to store its ticket (a GC pause, a busy
      // thread): the second then finds its claims but not yet its ticket.
      const slowStore = Object.create(pr.store) as TriageStore;
      slowStore.createTicket = async (...a) => {
        await new Promise((r) => setTimeout(r, round % 2 === 0 ? 50 : 0));
        return pr.store.createTicket(...a);
      };
      await Promise.all([runTriageStage(job(2 * round + 1), { ...deps, store: slowStore }), runTriageStage(job(2 * round + 2), deps)]);
      const tickets = (await pr.store.listTickets('LMA', 1000)).filter((t) => t.sender === `kevin.${round}@example.com`);
      expect(tickets, `round ${round}`).toHaveLength(1);
      expect(tickets[0]!.messages).toEqual([key]);
      expect([...routes.values()].map((r) => r.ticketId)).toEqual([tickets[0]!.id]);
      expect(replies.size).toBe(1);
    }
  });
});

describe('a reply to another post’s reply', () => {
  it('opens a ticket at this post instead of joining the other post’s ticket', async () => {
    const config = await loadConfig(undefined);
    const posts = buildPostRuntimes(config.posts.values(), 2026);
    // Buenos Aires answered an applicant, and that reply belongs to a BNS ticket.
    const bnsTicket = {
      id: 'BNS-2026-000777', post: 'BNS', queue: 'iv-status', unit: 'IV', category: 'iv_inquiry' as const, priority: 'normal' as const,
      caseNumber: 'BNS2023123456', lastName: 'Ruiz', problems: [], sender: 'ana.cross@example.com', senderName: 'Ana Ruiz',
      subject: 'IV Inquiry BNS2023123456 Ruiz', receivedAt: '2026-11-20T15:00:00Z', dueDate: '2026-11-30', messages: ['BNS-k'], createdAt: '2026-11-20T15:00:00Z',
    };
    await pr.store.createTicket(bnsTicket, 'BNS-k');
    await pr.store.markReplySent('reply-BNS-k', '<reply-bns-1@state.example>', bnsTicket.id);
    // She answers that reply, but to Lima's mailbox, about a Lima case.
    const raw = Buffer.from(
      'From: Ana Ruiz <ana.cross@example.com>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: Re: IV Inquiry LMA2023123999 Ruiz\r\nMessage-ID: <cross-1@example.com>\r\nIn-Reply-To: <reply-bns-1@state.example>\r\nReferences: <reply-bns-1@state.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMi caso pasó a Lima: LMA2023123999. ¿Cuándo me dan la entrevista?\r\n',
    );
    const key = rawMessageKey('LMA', raw);
    await pr.store.putRaw(key, raw);
    const routes: RouteJob[] = [];
    await runTriageStage(
      { schemaVersion: 1, post: 'LMA', key, source: { mailbox: 'LMA', folder: 'INBOX', uidValidity: '1', uid: 1 }, receivedAt: '2026-11-23T15:00:00Z', size: raw.length },
      {
        store: pr.store,
        posts,
        folders: () => ({ processed: 'Triage/Processed', ignored: 'Triage/Ignored', failed: 'Triage/Failed' }),
        addAutoReply: async () => {},
        addRoute: async (j) => void routes.push(j),
        now: () => new Date('2026-11-23T15:00:00Z'),
        logger: pino({ level: 'silent' }),
      },
    );
    expect((await pr.store.getTicket(bnsTicket.id))!.messages).toEqual(['BNS-k']);
    expect(routes).toHaveLength(1);
    expect(routes[0]!.ticketId).toMatch(/^LMA-2026-/);
    expect(routes[0]!.followUp).toBeUndefined();
  });
});
