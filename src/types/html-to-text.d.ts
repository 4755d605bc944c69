/** The part of html-to-text (a mailparser dependency, v10) that parse-message uses; the package ships no types. */
declare module 'html-to-text' {
  export interface HtmlToTextOptions {
    wordwrap?: number | false | null;
    limits?: { maxDepth?: number; maxInputLength?: number };
    selectors?: Array<{ selector: string; format?: string; options?: Record<string, unknown> }>;
    /** Named formatters for `selectors[].format`. */
    formatters?: Record<string, (elem: DomElement, walk: (nodes: unknown[], builder: BlockTextBuilder) => void, builder: BlockTextBuilder, options: unknown) => void>;
  }
  export interface DomElement {
    children: unknown[];
  }
  export interface BlockTextBuilder {
    addInline(text: string, options?: { noWordTransform?: boolean }): void;
  }
  export function convert(html: string, options?: HtmlToTextOptions): string;
  /** A converter with the options compiled once. */
  export function compile(options?: HtmlToTextOptions): (html: string) => string;
}
