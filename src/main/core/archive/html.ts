/**
 * Control characters and bidirectional overrides change how text reads on screen (a right-to-left
 * override turns "gpj.exe" into "exe.jpg"), so the readable pages show them as U+FFFD; the JSON
 * and CSV files keep the exact values.
 */
const INVISIBLE = /(?![\t\n\r])\p{Cc}|[\u202A-\u202E\u2066-\u2069]/gu;

/** Every character that can end a text node or an attribute value, so no input can open a tag. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(INVISIBLE, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A relative link to a file inside the archive: each segment percent-encoded, then escaped. */
export function hrefFor(path: string): string {
  return escapeHtml(path.split('/').map(encodeURIComponent).join('/'));
}

/**
 * The archive's pages must work from a folder on a disconnected laptop and must never run
 * anything: the policy forbids scripts, frames, forms and every network fetch, so even a mistake
 * in escaping cannot execute or phone home. Only inline styles are allowed.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'none'; base-uri 'none'";

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.text{white-space:pre-wrap;overflow-wrap:anywhere}.muted{color:#57606a}.withheld{color:#57606a;font-style:italic}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
@media print{a{color:inherit}}
`;

export function htmlHead(title: string): string {
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">\n` +
    '<meta name="referrer" content="no-referrer">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n`
  );
}

export const HTML_END = '</body>\n</html>\n';
