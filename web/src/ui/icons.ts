/** A handful of line icons (24×24 paths), drawn with currentColor so they follow the theme. */
const paths = {
  home: 'M3 11l9-8 9 8v10a1 1 0 0 1-1 1h-5v-7H9v7H4a1 1 0 0 1-1-1z',
  explore: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm4 6l-2.5 5.5L8 16l2.5-5.5z',
  search:
    'M10.5 3a7.5 7.5 0 1 0 4.6 13.4l4.7 4.7 1.4-1.4-4.7-4.7A7.5 7.5 0 0 0 10.5 3zm0 2a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11z',
  plus: 'M4 3h16a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm7 5v3H8v2h3v3h2v-3h3v-2h-3V8z',
  heart:
    'M12 21s-7.5-4.6-9.5-9.4C1.2 8.3 3.4 4.5 7 4.5c2 0 3.6 1.1 5 2.8 1.4-1.7 3-2.8 5-2.8 3.6 0 5.8 3.8 4.5 7.1C19.5 16.4 12 21 12 21z',
  comment: 'M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9l-5 4v-4H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z',
  bell: 'M12 3a6 6 0 0 0-6 6v4l-2 3v1h16v-1l-2-3V9a6 6 0 0 0-6-6zm-2 16a2 2 0 0 0 4 0z',
  user: 'M12 3a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM4 21c0-4 3.6-7 8-7s8 3 8 7z',
} as const;

export type IconName = keyof typeof paths;

export function icon(name: IconName, filled = false): SVGSVGElement {
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `icon${filled ? ' filled' : ''}`);
  const path = document.createElementNS(svgNs, 'path');
  path.setAttribute('d', paths[name]);
  svg.appendChild(path);
  return svg;
}
