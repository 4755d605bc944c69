import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/runtime/logger.js';

/** The lines a logger wrote, parsed. */
function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  return { stream, lines: () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('redacts applicants\' addresses, names, subjects and bodies, at the top and one level down', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'info' }, stream);
    log.info({ from: 'maria@example.com', name: 'María Quispe', subject: 'IV Inquiry LMA2023123456 QUISPE', text: 'mi caso', message: { to: 'x@example.com', lastName: 'QUISPE' }, post: 'LMA' }, 'triage: decided');
    const [line] = lines();
    expect(line).toMatchObject({ from: '[redacted]', name: '[redacted]', subject: '[redacted]', text: '[redacted]', message: { to: '[redacted]', lastName: '[redacted]' }, post: 'LMA', msg: 'triage: decided' });
    expect(JSON.stringify(line)).not.toMatch(/maria|Quispe|QUISPE|mi caso/i);
  });

  it('names the service in a field of its own, which redaction leaves alone', () => {
    const { stream, lines } = capture();
    createLogger({ name: 'triage-worker' }, stream).child({ thread: 2 }).warn('x');
    const [line] = lines();
    expect(line).toMatchObject({ service: 'triage-worker', thread: 2, level: 40 });
    expect(line).not.toHaveProperty('name');
  });

  it('writes nothing below its level', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'warn' }, stream);
    log.info('quiet');
    log.error('loud');
    expect(lines().map((l) => l.msg)).toEqual(['loud']);
  });
});
