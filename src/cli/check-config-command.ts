/** `triage check-config`: every problem in config/ and templates/, with file, path and reason. */
import { join } from 'node:path';
import { loadConfig } from '../runtime/load-config.js';
import { ConfigError, formatConfigIssue } from '../runtime/errors.js';
import { projectRoot } from '../runtime/paths.js';
import { TemplateRenderer } from '../adapters/templates/liquid-renderer.js';
import { checkTemplates } from '../runtime/check-templates.js';

export async function runCheckConfig(opts: { config?: string; templates?: string }, out: NodeJS.WritableStream): Promise<number> {
  let config;
  try {
    config = await loadConfig(opts.config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    out.write(`config: ${e.issues.length} problem(s)\n${e.issues.map(formatConfigIssue).join('\n')}\n`);
    return 1;
  }
  const templatesDir = opts.templates ?? join(projectRoot(), 'templates');
  const issues = await checkTemplates(config.posts.values(), new TemplateRenderer(templatesDir));
  if (issues.length > 0) {
    out.write(`templates: ${issues.length} problem(s)\n${issues.map(formatConfigIssue).join('\n')}\n`);
    return 1;
  }
  out.write(`config OK: ${config.posts.size} post(s) (${[...config.posts.keys()].join(', ')}) in ${config.dir}; templates OK in ${templatesDir}\n`);
  return 0;
}
