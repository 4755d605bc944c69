/**
 * Every template the config names must exist in every language of its post
 * and render with a realistic context. Run by `triage check-config` and at
 * start, so a typo is caught before the first applicant is answered.
 */
import type { PostConfig } from '../core/config-schema.js';
import { buildReplyContext } from '../core/compose-reply.js';
import type { TriageDecision } from '../core/types.js';
import type { TemplateRenderer } from '../adapters/templates/liquid-renderer.js';
import type { ConfigIssue } from './errors.js';

export async function checkTemplates(posts: Iterable<PostConfig>, renderer: TemplateRenderer): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  for (const post of posts) {
    for (const [outcome, id] of Object.entries(post.replies)) {
      if (id === null) continue;
      for (const lang of post.languages) {
        const file = `templates/${lang}/${id}.liquid`;
        if (!(await renderer.exists(id, lang))) {
          issues.push({ file: `posts/${post.id}.yaml`, path: `replies.${outcome}`, message: `template ${file} does not exist` });
          continue;
        }
        try {
          await renderer.renderOne(id, lang, buildReplyContext(post, sampleDecision(post), sampleMessage, lang, { dueDate: '2026-12-01', ticketId: `${post.id}-2026-000001` }));
        } catch (e) {
          issues.push({ file, path: '', message: (e as Error).message });
        }
      }
    }
  }
  return issues;
}

const sampleMessage = { subject: 'IV Inquiry', from: { address: 'applicant@example.com', name: 'Applicant' }, replyTo: null };

function sampleDecision(post: PostConfig): TriageDecision {
  return {
    messageId: '<check@example.com>',
    category: 'iv_inquiry',
    caseNumber: `${post.id}2023123456`,
    lastName: 'PEREZ',
    problems: ['missing_contact', 'nonconforming_subject'],
    autoReply: post.replies.iv_inquiry,
    route: post.routing.iv_inquiry,
    language: post.languages[0] ?? 'en',
    replyLanguages: [...post.languages],
    machineSignals: [],
    emergency: false,
    scores: {},
  };
}
