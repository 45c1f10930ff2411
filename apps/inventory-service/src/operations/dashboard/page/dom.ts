/** DOM helpers: everything data-driven goes in as textContent or through createElementNS, never as HTML. */

const SVG = 'http://www.w3.org/2000/svg';
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

type ElementClass<T extends Element> = { new (): T; prototype: T };

/** The page's element with this data-testid (an HTML element unless another class is named). */
export function el(testId: string): HTMLElement;
export function el<T extends Element>(testId: string, type: ElementClass<T>): T;
export function el(testId: string, type: ElementClass<Element> = HTMLElement): Element {
  const node = document.querySelector(`[data-testid="${testId}"]`);
  if (!(node instanceof type)) throw new Error(`the page has no ${type.name} [data-testid="${testId}"]`);
  return node;
}

export function fmt(n: number | null | undefined): string {
  return n === null || n === undefined ? '\u2014' : numberFormat.format(n);
}

export function svg<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

export function html<K extends keyof HTMLElementTagNameMap>(
  name: K,
  text?: string | number | null,
  className?: string,
  parent?: Element,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(name);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  if (parent) parent.appendChild(node);
  return node;
}

/** A number shown formatted, with its raw value in data-value (what the browser test reads). */
export function setValue(testId: string, value: number | null | undefined): void {
  const node = el(testId);
  node.textContent = fmt(value);
  node.setAttribute('data-value', value === null || value === undefined ? '' : String(value));
}

export function pill(testId: string, text: string, kind: '' | 'good' | 'bad' | 'warn'): void {
  const node = el(testId);
  node.textContent = text;
  node.className = 'pill ' + kind;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
