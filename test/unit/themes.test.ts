// Webview styles take every colour from the theme: only `var(--vscode-…)` (with `transparent` / `currentColor`
// as fallbacks), never a hard-coded colour, so light, dark and high-contrast themes all apply. The e2e suite
// (test/e2e/themes.test.ts) renders the wizard in each theme and checks the contrast of what it shows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

// CSS named colours (CSS Color 4), minus the keywords that are not a fixed colour.
const NAMED = `aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood
cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen
darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen darkslateblue darkslategray
darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia
gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender
lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey lightpink
lightsalmon lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen magenta
maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise
mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red
rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey snow
springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen
canvas canvastext linktext visitedtext activetext buttonface buttontext buttonborder field fieldtext highlight highlighttext
selecteditem selecteditemtext mark marktext graytext accentcolor accentcolortext`.split(/\s+/);
const COLOUR_FUNCTION = /\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color|color-mix)\s*\(/i;
const HEX = /#[0-9a-f]{3,8}\b/i;

/** Every `property: value` declaration of a style sheet (comments removed). */
function declarations(css: string): Array<{ prop: string; value: string; line: number }> {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const out: Array<{ prop: string; value: string; line: number }> = [];
  for (const block of text.matchAll(/\{([^{}]*)\}/g)) {
    const start = block.index + 1;
    let offset = 0;
    for (const decl of block[1].split(';')) {
      const m = /^\s*([-\w]+)\s*:\s*([\s\S]*?)\s*$/.exec(decl);
      if (m) out.push({ prop: m[1].toLowerCase(), value: m[2], line: text.slice(0, start + offset).split('\n').length });
      offset += decl.length + 1;
    }
  }
  return out;
}

/** The problem with a declaration's value, or undefined when it takes its colours from the theme only. */
export function hardCodedColour(value: string): string | undefined {
  if (HEX.test(value)) return `hex colour ${HEX.exec(value)![0]}`;
  const fn = COLOUR_FUNCTION.exec(value);
  if (fn) return `colour function ${fn[1]}()`;
  for (const v of value.matchAll(/var\(\s*(--[\w-]+)/g)) if (!v[1].startsWith('--vscode-')) return `variable ${v[1]} is not a theme colour (--vscode-…)`;
  const words = value.replace(/var\([^()]*\)/g, ' ').toLowerCase().match(/[a-z][a-z-]*/g) ?? [];
  const named = words.find((w) => NAMED.includes(w));
  return named ? `named colour ${named}` : undefined;
}

function webviewStyleSheets(): string[] {
  const media = fs.readdirSync(path.join(root, 'media')).filter((f) => f.endsWith('.css')).map((f) => path.join(root, 'media', f));
  const walk = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.css') ? [path.join(dir, e.name)] : []))
      : [];
  return [...media, ...walk(path.join(root, 'webview'))];
}

describe('themes: webview CSS uses only the theme\'s colours', () => {
  it('finds the webview style sheets', () => {
    assert.ok(webviewStyleSheets().some((f) => f.endsWith(path.join('media', 'wizard.css'))));
  });

  for (const file of webviewStyleSheets()) {
    it(`${path.relative(root, file)} has no hard-coded colour`, () => {
      const problems = declarations(fs.readFileSync(file, 'utf8'))
        .map((d) => ({ ...d, problem: hardCodedColour(d.value) }))
        .filter((d) => d.problem)
        .map((d) => `line ${d.line}: ${d.prop}: ${d.value} (${d.problem})`);
      assert.deepEqual(problems, []);
    });
  }

  it('webview scripts and the panel HTML set no colours inline', () => {
    const files = [path.join(root, 'src', 'wizard', 'panel.ts'), ...fs.readdirSync(path.join(root, 'webview', 'wizard')).map((f) => path.join(root, 'webview', 'wizard', f))];
    for (const f of files.filter((x) => x.endsWith('.ts'))) {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:style\.(?:color|background\w*|border\w*)\s*=|style=["'][^"']*(?:color|background|border)[^"']*["']|<style)[^\n]*/g)) {
        assert.fail(`${path.relative(root, f)} sets a style inline: ${m[0]}`);
      }
    }
  });

  it('recognizes hard-coded colours (the check can fail)', () => {
    for (const bad of ['#fff', '1px solid #0078d4', 'rgb(0, 0, 0)', 'hsl(200 50% 50%)', 'white', 'var(--my-colour)', '2px solid DarkRed', 'color-mix(in srgb, red, blue)']) {
      assert.ok(hardCodedColour(bad), `${bad} passed`);
    }
    for (const good of ['var(--vscode-foreground)', '1px solid var(--vscode-focusBorder)', 'var(--vscode-panel-border, var(--vscode-widget-border, transparent))', 'transparent', 'currentColor', 'nowrap', '0 24px 24px', '600']) {
      assert.equal(hardCodedColour(good), undefined, good);
    }
  });
});
