/** `triage render --post LMA --template ID [--eml FILE]`: a reply as the applicant would receive it. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LANGUAGES, type Language, type NormalizedMessage, type TriageDecision } from '../core/types.js';
import { compileRules } from '../core/compile-rules.js';
import { classifyMessage } from '../core/classify-message.js';
import { buildReplyContext } from '../core/compose-reply.js';
import { parseMessage } from '../adapters/mime/parse-message.js';
import { TemplateRenderer } from '../adapters/templates/liquid-renderer.js';
import { loadConfig } from '../runtime/load-config.js';
import { TriageError } from '../runtime/errors.js';
import { projectRoot } from '../runtime/paths.js';

export interface RenderOptions {
  template: string;
  post: string;
  eml?: string;
  lang?: string;
  config?: string;
  templates?: string;
}

export async function runRender(opts: RenderOptions, out: NodeJS.WritableStream): Promise<number> {
  const config = await loadConfig(opts.config);
  const post = config.posts.get(opts.post.toUpperCase());
  if (!post) throw new TriageError('POST_UNKNOWN', `no post "${opts.post}" (have: ${[...config.posts.keys()].join(', ')})`);
  let msg: Pick<NormalizedMessage, 'subject' | 'from' | 'replyTo'> = { subject: post.rules.subjectConventions.iv_inquiry, from: { address: 'applicant@example.com', name: '' }, replyTo: null };
  let decision: TriageDecision = {
    messageId: null, category: 'iv_inquiry', caseNumber: null, lastName: null, problems: [], autoReply: opts.template,
    route: post.routing.iv_inquiry, language: post.languages[0] ?? 'en', replyLanguages: [...post.languages], machineSignals: [], emergency: false, scores: {},
  };
  if (opts.eml) {
    const parsed = await parseMessage(await readFile(opts.eml));
    msg = parsed;
    decision = classifyMessage(parsed, compileRules(post));
  }
  let languages = decision.replyLanguages.length > 0 ? decision.replyLanguages : [...post.languages];
  if (opts.lang) {
    if (!(LANGUAGES as readonly string[]).includes(opts.lang)) throw new TriageError('TEMPLATE_NOT_FOUND', `unknown language "${opts.lang}" (have: ${LANGUAGES.join(', ')})`);
    const first = opts.lang as Language;
    languages = [first, ...languages.filter((l) => l !== first)];
  }
  const renderer = new TemplateRenderer(opts.templates ?? join(projectRoot(), 'templates'));
  const reply = await renderer.render(opts.template, languages, (lang) => buildReplyContext(post, decision, msg, lang));
  out.write(`Subject: ${reply.subject}\n\n${reply.text}`);
  return 0;
}
