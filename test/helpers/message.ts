/** Builds NormalizedMessage values for core unit tests (no MIME involved). */
import type { NormalizedMessage } from '../../src/core/types.js';
import { compileRules, type CompiledRules } from '../../src/core/compile-rules.js';
import { loadConfig } from '../../src/runtime/load-config.js';

export function makeMessage(overrides: Partial<NormalizedMessage> = {}): NormalizedMessage {
  return {
    messageId: '<test@example.com>',
    inReplyTo: null,
    references: [],
    subject: '',
    from: { address: 'applicant@example.com', name: 'Ana Applicant' },
    replyTo: null,
    to: [{ address: 'ivlima@state.example', name: 'IV Lima' }],
    date: '2026-03-03T14:00:00.000Z',
    newText: '',
    quotedText: '',
    headers: {},
    contentType: 'text/plain',
    partTypes: ['text/plain'],
    attachments: [],
    size: 1000,
    truncated: false,
    ...overrides,
  };
}

const cache = new Map<string, Promise<CompiledRules>>();

/** The shipped configuration's rules for a post. */
export function shippedRules(post = 'LMA'): Promise<CompiledRules> {
  let p = cache.get(post);
  if (!p) {
    p = loadConfig().then((c) => {
      const cfg = c.posts.get(post);
      if (!cfg) throw new Error(`no post ${post}`);
      return compileRules(cfg);
    });
    cache.set(post, p);
  }
  return p;
}
