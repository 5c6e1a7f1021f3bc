/**
 * A 3x5 pixel bitmap font (upper-case letters, digits, common punctuation) to write labels into PNG image grids
 * without a font library. Lower case is drawn as upper case; unknown characters as '?'.
 */
/** Each glyph: five rows of three pixels, '#' on, '.' off. */
const GLYPHS: Record<string, string> = {
  A: '.#. #.# ### #.# #.#',
  B: '##. #.# ##. #.# ##.',
  C: '.## #.. #.. #.. .##',
  D: '##. #.# #.# #.# ##.',
  E: '### #.. ##. #.. ###',
  F: '### #.. ##. #.. #..',
  G: '.## #.. #.# #.# .##',
  H: '#.# #.# ### #.# #.#',
  I: '### .#. .#. .#. ###',
  J: '..# ..# ..# #.# .#.',
  K: '#.# #.# ##. #.# #.#',
  L: '#.. #.. #.. #.. ###',
  M: '#.# ### ### #.# #.#',
  N: '##. #.# #.# #.# #.#',
  O: '.#. #.# #.# #.# .#.',
  P: '##. #.# ##. #.. #..',
  Q: '.#. #.# #.# ##. .##',
  R: '##. #.# ##. #.# #.#',
  S: '.## #.. .#. ..# ##.',
  T: '### .#. .#. .#. .#.',
  U: '#.# #.# #.# #.# ###',
  V: '#.# #.# #.# #.# .#.',
  W: '#.# #.# ### ### #.#',
  X: '#.# #.# .#. #.# #.#',
  Y: '#.# #.# .#. .#. .#.',
  Z: '### ..# .#. #.. ###',
  "0": '### #.# #.# #.# ###',
  "1": '.#. ##. .#. .#. ###',
  "2": '##. ..# .#. #.. ###',
  "3": '##. ..# .#. ..# ##.',
  "4": '#.# #.# ### ..# ..#',
  "5": '### #.. ##. ..# ##.',
  "6": '.## #.. ### #.# ###',
  "7": '### ..# .#. .#. .#.',
  "8": '### #.# ### #.# ###',
  "9": '### #.# ### ..# ##.',
  " ": '... ... ... ... ...',
  "-": '... ... ### ... ...',
  "/": '..# ..# .#. #.. #..',
  ".": '... ... ... ... .#.',
  ",": '... ... ... .#. #..',
  ":": '... .#. ... .#. ...',
  "_": '... ... ... ... ###',
  "(": '.#. #.. #.. #.. .#.',
  ")": '.#. ..# ..# ..# .#.',
  "=": '... ### ... ### ...',
  "+": '... .#. ### .#. ...',
  "%": '#.# ..# .#. #.. #.#',
  "?": '##. ..# .#. ... .#.',
  "!": '.#. .#. .#. ... .#.',
  "'": '.#. .#. ... ... ...',
  "#": '#.# ### #.# ### #.#',
};

const BITMAPS = new Map<string, Uint8Array>();
for (const [ch, rows] of Object.entries(GLYPHS)) {
  BITMAPS.set(ch, Uint8Array.from(rows.replace(/ /g, ''), (c) => (c === '#' ? 1 : 0)));
}

/** The characters the font draws (others are drawn as '?'; lower case as upper case). */
export const FONT_CHARS: string = Object.keys(GLYPHS).join('');

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;
/** Horizontal advance per character in font pixels (glyph + 1 spacing). */
export const GLYPH_ADVANCE = 4;

/** Width in pixels of `text` at `scale`. */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * GLYPH_ADVANCE - 1) * scale;
}

/** The characters of `text` that fit in `maxWidth` pixels at `scale` (cut with '.' when shortened). */
export function fitText(text: string, maxWidth: number, scale = 1): string {
  const max = Math.floor((maxWidth / scale + 1) / GLYPH_ADVANCE);
  if (text.length <= max) return text;
  return max <= 1 ? text.slice(0, Math.max(0, max)) : text.slice(0, max - 1) + '.';
}

/**
 * Draw `text` into an interleaved 8-bit image (width `w`, `channels` per pixel) with its top-left corner at
 * (x, y), each font pixel a `scale`x`scale` block of `color` (one value per channel). Clipped at the edges.
 */
export function drawText(img: Uint8Array, w: number, h: number, channels: number, x: number, y: number, text: string, color: number[], scale = 1): void {
  let cx = x;
  for (const raw of text) {
    const bitmap = BITMAPS.get(raw.toUpperCase()) ?? BITMAPS.get('?')!;
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (!bitmap[gy * GLYPH_WIDTH + gx]) continue;
        for (let sy = 0; sy < scale; sy++) {
          const py = y + gy * scale + sy;
          if (py < 0 || py >= h) continue;
          for (let sx = 0; sx < scale; sx++) {
            const px = cx + gx * scale + sx;
            if (px < 0 || px >= w) continue;
            const o = (py * w + px) * channels;
            for (let c = 0; c < channels; c++) img[o + c] = color[c] ?? color[0]!;
          }
        }
      }
    }
    cx += GLYPH_ADVANCE * scale;
  }
}
