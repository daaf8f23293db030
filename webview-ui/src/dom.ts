/** A child of `h()`: nodes, text (always set as text, never parsed as HTML), or nothing. */
export type Child = Node | string | number | null | undefined | false;

type Events = { readonly [E in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[E]) => void };

export interface Props {
  readonly class?: string;
  /** Attributes; `false`/`undefined` leave one out, `true` sets it empty. */
  readonly attrs?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly on?: Events;
}

/** Builds an element. Text goes in through text nodes only, so captured data can never become markup. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [name, handler] of Object.entries(props.on ?? {})) element.addEventListener(name, handler as EventListener);
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

const svgNs = 'http://www.w3.org/2000/svg';

/** Small line icons drawn in the text colour (the codicon font is not available inside a webview). */
const iconPaths = {
  check: 'M3 8.5l3 3 7-7',
  x: 'M4 4l8 8M12 4l-8 8',
  warning: 'M8 2.5l6 11H2zM8 6.5v3.5M8 11.8v.2',
  circle: 'M8 2.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11zM5 8h6',
  info: 'M8 2.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11zM8 7v4.5M8 4.8v.2',
  arrow: 'M2.5 8h10M9 4.5L12.5 8 9 11.5',
  replay: 'M3 8a5 5 0 1 0 1.5-3.6M3 2.5v2.5h2.5',
  diff: 'M5 2.5v11M11 2.5v11M2.5 5h5M8.5 11h5',
  copy: 'M5.5 5.5h8v8h-8zM10.5 5.5v-3h-8v8h3',
} as const;

export type IconName = keyof typeof iconPaths;

export function icon(name: IconName, className = 'icon'): SVGSVGElement {
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(svgNs, 'path');
  path.setAttribute('d', iconPaths[name]);
  svg.appendChild(path);
  return svg;
}
