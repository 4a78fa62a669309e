import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

/**
 * READMEs come from third-party packages, so they are rendered without their HTML (markdown-it
 * escapes it) and the result is sanitized again. Images are not loaded (they would tell a
 * publisher's server who reads the page): they become links. Links leave the console in a new tab;
 * relative ones, which point into the package rather than anywhere a browser can go, stay text.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const OUTSIDE = /^(https?:|mailto:)/i;

markdown.renderer.rules.link_open = (tokens, index) => {
  const token = tokens[index]!;
  const href = String(token.attrGet('href') ?? '');
  if (!OUTSIDE.test(href)) {
    token.meta = { ...token.meta, inert: true };
    return '<span class="readme-link">';
  }
  return `<a href="${markdown.utils.escapeHtml(href)}" target="_blank" rel="noopener noreferrer nofollow">`;
};
markdown.renderer.rules.link_close = (tokens, index) => {
  // Links do not nest: the nearest link_open before this token is its own.
  for (let i = index - 1; i >= 0; i--) {
    const token = tokens[i]!;
    if (token.type === 'link_open') return token.meta?.inert ? '</span>' : '</a>';
  }
  return '</a>';
};
markdown.renderer.rules.image = (tokens, index, _options, env, self) => {
  const token = tokens[index]!;
  const src = String(token.attrGet('src') ?? '');
  const alt = self.renderInlineAsText(token.children ?? [], _options, env) || 'image';
  const label = markdown.utils.escapeHtml(`${alt} (image)`);
  return /^https:/i.test(src)
    ? `<a href="${markdown.utils.escapeHtml(src)}" target="_blank" rel="noopener noreferrer nofollow">${label}</a>`
    : `<span class="readme-link">${label}</span>`;
};
// The page has its own h1: a README's headings start one level below it.
markdown.renderer.rules.heading_open = (tokens, index) => {
  const level = Math.min(6, Number(tokens[index]!.tag.slice(1)) + 1);
  return `<h${level}>`;
};
markdown.renderer.rules.heading_close = (tokens, index) => {
  const level = Math.min(6, Number(tokens[index]!.tag.slice(1)) + 1);
  return `</h${level}>\n`;
};

/** Safe HTML for a package's README. */
export function renderReadme(text: string): string {
  return DOMPurify.sanitize(markdown.render(text), {
    ADD_ATTR: ['target'],
    FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'iframe'],
  });
}
