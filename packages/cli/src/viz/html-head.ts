/** The start of every self-contained page faultline writes, up to `<body>`: `title` as given (already escaped), `css` inline. */
export function pageHead(title: string, css: string): string[] {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>\n${css}</style>`,
    '</head>',
  ];
}
