import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGE_SEPARATOR, TemplateRenderer } from '../../../src/adapters/templates/liquid-renderer.js';
import { buildReplyContext } from '../../../src/core/compose-reply.js';
import { classifyMessage } from '../../../src/core/classify-message.js';
import { loadConfig } from '../../../src/runtime/load-config.js';
import { compileRules } from '../../../src/core/compile-rules.js';
import { projectRoot } from '../../../src/runtime/paths.js';
import { makeMessage } from '../../helpers/message.js';

const config = await loadConfig();
const lma = config.posts.get('LMA')!;
const shipped = new TemplateRenderer(join(projectRoot(), 'templates'));
const tmp = await mkdtemp(join(tmpdir(), 'triage-tpl-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('shipped templates', () => {
  it('an acknowledgement shows the case, the SLA and the exact subject to use, in the sender’s language first', async () => {
    const msg = makeMessage({ subject: 'Consulta', newText: 'Hola, quisiera saber el estado de mi caso LMA2023123456. Gracias.' });
    const decision = classifyMessage(msg, compileRules(lma));
    const reply = await shipped.render('iv_inquiry_ack', decision.replyLanguages, (lang) => buildReplyContext(lma, decision, msg, lang, { dueDate: '2026-12-01', ticketId: 'LMA-2026-000123' }));
    const [es, en] = reply.text.split(LANGUAGE_SEPARATOR);
    expect(es).toContain('LMA2023123456');
    expect(es).toContain('LMA-2026-000123');
    expect(es).toMatch(/5\s+días hábiles/);
    expect(es).toContain('IV Inquiry LMA2023123456 APELLIDO');
    expect(en).toContain('IV Inquiry LMA2023123456 LASTNAME');
    expect(reply.subject).toMatch(/Consulta/);
  });
});

describe('sandbox', () => {
  it('a template cannot reach JavaScript objects or run code', async () => {
    await mkdir(join(tmp, 'en'), { recursive: true });
    await writeFile(join(tmp, 'en', 'evil.liquid'), 'Subject: x\n\n[{{ post.constructor }}][{{ post.name.constructor.name }}][{{ "a" | constructor }}]');
    const renderer = new TemplateRenderer(tmp);
    const ctx = buildReplyContext(lma, classifyMessage(makeMessage(), compileRules(lma)), makeMessage(), 'en');
    await expect(renderer.renderOne('evil', 'en', ctx)).rejects.toThrow(/undefined filter: constructor/);
    await writeFile(join(tmp, 'en', 'evil2.liquid'), 'Subject: x\n\n[{{ post.constructor }}][{{ post.name.constructor.name }}][{{ post.__proto__ }}]');
    const out = await renderer.renderOne('evil2', 'en', ctx);
    expect(out.text).toBe('[][][]');
  });

  it('a template without its Subject line is rejected with a clear error', async () => {
    await mkdir(join(tmp, 'en'), { recursive: true });
    await writeFile(join(tmp, 'en', 'nosubject.liquid'), 'Hello');
    await expect(new TemplateRenderer(tmp).renderOne('nosubject', 'en', {} as never)).rejects.toThrow(/must start with "Subject: ..."/);
  });
});

describe('snapshot (what pipeline threads render from)', () => {
  it('renders every shipped template exactly as from disk, partials included', async () => {
    const snap = await shipped.snapshot();
    const fromSnapshot = new TemplateRenderer(join(projectRoot(), 'templates'), snap);
    const msg = makeMessage({ subject: 'Consulta', newText: 'Hola, quisiera saber el estado de mi caso LMA2023123456. Gracias.' });
    const decision = classifyMessage(msg, compileRules(lma));
    const ids = [...new Set(Object.values(lma.replies).filter((id): id is string => typeof id === 'string'))];
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) {
      for (const lang of lma.languages) {
        const ctx = buildReplyContext(lma, decision, msg, lang, { dueDate: '2026-12-01', ticketId: 'LMA-2026-000123' });
        expect(await fromSnapshot.renderOne(id, lang, ctx), `${lang}/${id}`).toEqual(await shipped.renderOne(id, lang, ctx));
      }
    }
  });

  it('keeps the templates as read: a later edit or deletion on disk changes nothing', async () => {
    const dir = join(tmp, 'snap');
    await mkdir(join(dir, 'en'), { recursive: true });
    await writeFile(join(dir, 'en', '_part.liquid'), 'part one');
    await writeFile(join(dir, 'en', 'note.liquid'), 'Subject: Hello\n\nBody, {% render "./_part.liquid" %}.');
    const snap = await new TemplateRenderer(dir).snapshot();
    await writeFile(join(dir, 'en', '_part.liquid'), 'half-edited {% if');
    await rm(join(dir, 'en', 'note.liquid'));
    const renderer = new TemplateRenderer(dir, snap);
    const ctx = buildReplyContext(lma, classifyMessage(makeMessage(), compileRules(lma)), makeMessage(), 'en');
    expect(await renderer.exists('note', 'en')).toBe(true);
    expect(await renderer.renderOne('note', 'en', ctx)).toEqual({ subject: 'Hello', text: 'Body, part one.' });
    expect(await renderer.exists('other', 'en')).toBe(false);
    await expect(renderer.renderOne('other', 'en', ctx)).rejects.toThrow(/TEMPLATE_NOT_FOUND|not found/);
  });
});
