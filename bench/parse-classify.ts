/**
 * parse+classify throughput against bare mailparser (simpleParser) on the
 * same messages in the same run. Target (issue 2): the core adds at most 25%
 * to parse time.
 */
import { simpleParser } from 'mailparser';
import { parseMessage } from '../src/adapters/mime/parse-message.js';
import { classifyMessage } from '../src/core/classify-message.js';
import { compileRules } from '../src/core/compile-rules.js';
import { loadConfig } from '../src/runtime/load-config.js';
import { messageWithPdf, typicalMessage } from './messages.js';

export interface Figure {
  name: string;
  perSecond: number;
  baselinePerSecond: number;
}

async function rate(messages: Buffer[], fn: (raw: Buffer) => Promise<unknown>, seconds: number): Promise<number> {
  for (const m of messages.slice(0, 50)) await fn(m); // warm-up: JIT, caches
  let n = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < limit) {
    await fn(messages[n % messages.length]!);
    n++;
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

export async function benchParseClassify(seconds = 3): Promise<Figure[]> {
  const config = await loadConfig();
  const rules = compileRules(config.posts.get('LMA')!);
  const core = async (raw: Buffer): Promise<unknown> => classifyMessage(await parseMessage(raw), rules);
  const bare = (raw: Buffer): Promise<unknown> => simpleParser(raw);
  const out: Figure[] = [];
  for (const [name, make] of [
    ['typical 3 KB message', typicalMessage],
    ['300 KB message with a PDF', messageWithPdf],
  ] as const) {
    const messages = Array.from({ length: 20 }, (_, i) => make(i));
    // Interleave so that a noisy neighbour hurts both sides alike.
    const base1 = await rate(messages, bare, seconds / 2);
    const mine1 = await rate(messages, core, seconds / 2);
    const base2 = await rate(messages, bare, seconds / 2);
    const mine2 = await rate(messages, core, seconds / 2);
    out.push({ name: `parse+classify, ${name} (${Math.round(messages[0]!.length / 1024)} KB)`, perSecond: (mine1 + mine2) / 2, baselinePerSecond: (base1 + base2) / 2 });
  }
  return out;
}
