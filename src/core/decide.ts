/**
 * From what a message is to what is done with it: which reply template (if
 * any) and which staff queue (if any). The rules of the contract, with the
 * templates and queues the post's config names. Pure.
 */
import type { PostConfig } from './config-schema.js';
import type { Category, Priority, Problem, Route } from './types.js';
import { isIvCategory } from './types.js';

export interface Outcome {
  autoReply: string | null;
  route: Route | null;
}

export function decideOutcome(
  category: Category,
  problems: readonly Problem[],
  emergency: boolean,
  post: PostConfig,
): Outcome {
  // No mail loops: a machine gets neither a reply nor a ticket.
  if (category === 'auto_generated') return { autoReply: null, route: null };

  if (isIvCategory(category)) {
    // No case of this post: tell the sender what to do; nothing for staff.
    if (problems.includes('missing_case_number')) return { autoReply: post.replies.missing_case_number, route: null };
    if (problems.includes('foreign_case_number')) return { autoReply: post.replies.foreign_case_number, route: null };
  }
  const configured = post.routing[category];
  const route = configured ? { queue: configured.queue, priority: emergency ? ('urgent' as Priority) : configured.priority } : null;
  return { autoReply: post.replies[category], route };
}
